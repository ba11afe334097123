"""A source file as bytes plus the position arithmetic every output needs.

tree-sitter reports UTF-8 byte offsets and counts rows by ``\\n`` only. Users
see lines split at ``\\r\\n``, ``\\r`` and ``\\n``, and columns in characters
(text, JSON, GitHub) or UTF-16 code units (SARIF, LSP). ``SourceFile`` keeps a
line-start table over the bytes so each conversion is a bisect plus a decode of
one line prefix.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from functools import cache
from itertools import accumulate

UTF8_BOM = b"\xef\xbb\xbf"

LANGUAGE_BY_SUFFIX = {
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
    ".js": "javascript",
    ".jsx": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
}


@cache
def language_for(path: str) -> str | None:
    """The grammar for a path: a JS/TS language, ``env``, ``json`` or None."""
    name = path.rpartition("/")[2]  # string arithmetic: a PurePosixPath costs more here
    dot = name.rfind(".")
    suffix = name[dot:].lower() if 0 < dot < len(name) - 1 else ""
    if name.startswith(".env"):
        return "env"
    if name == "ormconfig.json":
        return "json"
    return LANGUAGE_BY_SUFFIX.get(suffix)


def line_starts(data: bytes) -> list[int]:
    """Byte offsets where each line starts; CRLF, lone CR and LF end lines (exactly
    the breaks ``bytes.splitlines`` knows, so the table is built in C)."""
    starts = list(accumulate(map(len, data.splitlines(keepends=True)), initial=0))
    if len(starts) > 1 and not data.endswith((b"\n", b"\r")):
        starts.pop()  # the last line has no break: no line starts after it
    return starts


@dataclass(frozen=True)
class Position:
    """A 1-based line, a 1-based character column and a 1-based UTF-16 column."""

    line: int
    column: int
    column_utf16: int


@dataclass
class SourceFile:
    """One file to lint: where it is, what it holds, how to map offsets."""

    path: str  # relative to the project root, '/' separated
    data: bytes  # the bytes tree-sitter parses (BOM removed)
    language: str | None
    rel_to_lint_root: str = ""  # for "is this a test file" decisions
    _starts: list[int] = field(default_factory=list, repr=False)
    # (line index, byte offset, characters, UTF-16 units) of the last position computed
    _last: tuple[int, int, int, int] | None = field(default=None, repr=False)

    @classmethod
    def from_bytes(cls, path: str, raw: bytes, rel_to_lint_root: str = "") -> SourceFile:
        data = raw[len(UTF8_BOM) :] if raw.startswith(UTF8_BOM) else raw
        return cls(path, data, language_for(path), rel_to_lint_root or path)

    @property
    def starts(self) -> list[int]:
        if not self._starts:
            self._starts = line_starts(self.data)
        return self._starts

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")

    def line_count(self) -> int:
        if self._starts:
            return len(self._starts)
        data = self.data  # counted in C: the line table is only built for positions
        if b"\r" not in data:
            return data.count(b"\n") + 1
        return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n") + 1

    def position(self, offset: int) -> Position:
        """Convert a byte offset into 1-based line and columns.

        Counting from the last position asked for on the same line keeps many
        findings on one long (minified) line linear rather than quadratic."""
        offset = max(0, min(offset, len(self.data)))
        index = bisect.bisect_right(self.starts, offset) - 1
        base, chars, units = self.starts[index], 0, 0
        last = self._last
        if last is not None and last[0] == index and last[1] <= offset:
            base, chars, units = last[1], last[2], last[3]
        piece = self.data[base:offset].decode("utf-8", errors="replace")
        chars += len(piece)
        units += len(piece) + sum(1 for ch in piece if ord(ch) > 0xFFFF)
        self._last = (index, offset, chars, units)
        return Position(index + 1, chars + 1, units + 1)

    def line_text(self, line: int) -> str:
        """The text of a 1-based line without its line ending."""
        if line < 1 or line > len(self.starts):
            return ""
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.data)
        return self.data[start:end].rstrip(b"\r\n").decode("utf-8", errors="replace")

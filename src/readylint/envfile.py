"""``.env`` files: ``KEY=value`` lines with byte offsets of each value."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

LINE = re.compile(rb"^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*=[ \t]*(.*?)[ \t]*$")
TEMPLATE_SUFFIXES = (".example", ".sample", ".template", ".dist", ".defaults")


@dataclass(frozen=True)
class EnvEntry:
    key: str
    value: str
    line: int  # 1-based
    value_start: int  # byte offsets of the value (quotes excluded)
    value_end: int


def is_template_env(path: str) -> bool:
    """``.env.example`` and friends document keys; they hold no real values."""
    return PurePosixPath(path).name.lower().endswith(TEMPLATE_SUFFIXES)


def parse_env(data: bytes) -> list[EnvEntry]:
    entries = []
    offset = 0
    for number, raw_line in enumerate(data.splitlines(keepends=True), start=1):
        line = raw_line.rstrip(b"\r\n")
        match = LINE.match(line)
        if match is not None:
            start, end = match.span(2)
            value = match.group(2)
            if value[:1] in (b'"', b"'") and len(value) >= 2 and value[-1:] == value[:1]:
                start, end, value = start + 1, end - 1, value[1:-1]
            elif b" #" in value or b"\t#" in value:
                cut = min(i for i in (value.find(b" #"), value.find(b"\t#")) if i >= 0)
                value = value[:cut].rstrip()
                end = start + len(value)
            elif value.startswith(b"#"):
                value, end = b"", start
            entries.append(
                EnvEntry(
                    match.group(1).decode("utf-8", "replace"),
                    value.decode("utf-8", "replace"),
                    number,
                    offset + start,
                    offset + end,
                )
            )
        offset += len(raw_line)
    return entries

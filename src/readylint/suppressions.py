"""Inline suppressions: ``readylint-disable-next-line CODE -- reason`` and kin.

Directives live in ``//`` and ``/* */`` comments (``#`` in ``.env`` files):

* ``readylint-disable-next-line CODES``: the next line;
* ``readylint-disable-line CODES``: its own line;
* ``readylint-disable-file CODES``: the whole file;
* ``readylint-disable CODES`` … ``readylint-enable CODES``: a block.

Codes are required (prefixes such as ``SEC`` work); a directive without codes
is ignored and reported. Text after `` -- `` is the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from readylint.findings import Finding

DIRECTIVE = re.compile(
    r"(?://|/\*|#)\s*readylint-(disable-next-line|disable-line|disable-file|disable|enable)\b"
    r"(?P<rest>[^\n]*)"
)
CODE = re.compile(r"^[A-Za-z]{2,4}\d{0,3}$")


@dataclass
class Directive:
    kind: str
    line: int  # 1-based line of the comment
    codes: tuple[str, ...]
    reason: str
    first: int  # lines covered, inclusive
    last: int
    used: bool = False

    def covers(self, finding: Finding) -> bool:
        return self.first <= finding.span.line <= self.last and any(
            finding.rule.startswith(code) for code in self.codes
        )


@dataclass
class Suppressions:
    directives: list[Directive] = field(default_factory=list)
    malformed: list[int] = field(default_factory=list)  # lines of directives without codes

    def apply(self, findings: list[Finding]) -> None:
        for finding in findings:
            for directive in self.directives:
                if directive.covers(finding):
                    directive.used = True
                    finding.suppressed = True
                    finding.suppression_reason = directive.reason
                    break

    def unused(self) -> list[Directive]:
        return [d for d in self.directives if not d.used and d.kind != "enable"]


def _parse_rest(rest: str) -> tuple[tuple[str, ...], str]:
    rest = rest.split("*/", 1)[0]
    codes_part, _, reason = rest.partition("--")
    codes = tuple(
        token.upper() for token in re.split(r"[\s,]+", codes_part.strip()) if CODE.match(token)
    )
    return codes, reason.strip()


def parse(lines: list[str]) -> Suppressions:
    """Read directives from a file's lines (without line endings)."""
    result = Suppressions()
    open_blocks: list[Directive] = []
    last_line = len(lines)
    for index, text in enumerate(lines, start=1):
        if "readylint-" not in text:
            continue
        for match in DIRECTIVE.finditer(text):
            kind = match.group(1)
            codes, reason = _parse_rest(match.group("rest"))
            if not codes:
                result.malformed.append(index)
                continue
            if kind == "disable-next-line":
                result.directives.append(
                    Directive(kind, index, codes, reason, index + 1, index + 1)
                )
            elif kind == "disable-line":
                result.directives.append(Directive(kind, index, codes, reason, index, index))
            elif kind == "disable-file":
                result.directives.append(Directive(kind, index, codes, reason, 1, last_line))
            elif kind == "disable":
                block = Directive(kind, index, codes, reason, index, last_line)
                result.directives.append(block)
                open_blocks.append(block)
            else:  # enable: closes the open blocks it names
                for block in open_blocks:
                    if block.last == last_line and set(block.codes) & set(codes):
                        block.last = index
    return result

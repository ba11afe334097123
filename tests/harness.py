"""The annotated-fixture harness shared by the rule tests.

A fixture states everything the linter says about it:

* ``// expect: CODE [CODE ...]`` (``#`` in ``.env``): findings of those rules
  start on the next line that is not an annotation;
* ``// ok: CODE``: a documented lookalike that must not be flagged (the
  harness needs nothing more: any finding not expected fails);
* ``FILE.expect`` beside a file without comments (JSON): ``LINE CODE`` rows.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path

from readylint.config import Config
from readylint.engine import RunResult, run, select_rules
from readylint.findings import Finding

FIXTURES = Path(__file__).parent / "fixtures"
ANNOTATION = re.compile(
    r"^\s*(?://|#|/\*|\*|\{/\*)\s*(expect|ok):\s*([A-Z]{3}\d{3}(?:[\s,]+[A-Z]{3}\d{3})*)"
)


def expected_findings(path: Path) -> Counter[tuple[int, str]]:
    """(line, code) -> count, from a fixture's annotations or its sidecar."""
    sidecar = path.with_name(path.name + ".expect")
    expected: Counter[tuple[int, str]] = Counter()
    if sidecar.exists():
        for row in sidecar.read_text(encoding="utf-8").splitlines():
            if row.strip() and not row.startswith("#"):
                line, code = row.split()
                expected[(int(line), code)] += 1
        return expected
    lines = path.read_text(encoding="utf-8").splitlines()
    pending: list[str] = []
    for number, text in enumerate(lines, start=1):
        match = ANNOTATION.match(text)
        if match:
            if match.group(1) == "expect":
                pending.extend(re.split(r"[\s,]+", match.group(2).strip()))
            continue
        for code in pending:
            expected[(number, code)] += 1
        pending = []
    return expected


def actual_findings(findings: list[Finding], rel_path: str) -> Counter[tuple[int, str]]:
    return Counter(
        (f.span.line, f.rule) for f in findings if f.path == rel_path and not f.suppressed
    )


@cache
def lint_directory(directory: Path, scope: str = "file") -> RunResult:
    """Lint a fixture directory as its own root with the rules of one scope."""
    config = Config()
    rules = [r for r in select_rules(config) if r.scope == scope or scope == "all"]
    return run([directory], config, rules)


def fixture_files(kind: str = "rules") -> list[Path]:
    root = FIXTURES / kind
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and not p.name.endswith(".expect") and p.name != "README.md"
    )


def describe(counter: Counter[tuple[int, str]]) -> str:
    return ", ".join(
        f"{code}@{line}" + (f"x{n}" if n > 1 else "") for (line, code), n in sorted(counter.items())
    )

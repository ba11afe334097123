"""Baselines: record today's findings, then report only the ones added since.

A baseline file is JSON::

    {"version": 1, "findings": [{"fingerprint": "…", "rule": "SEC002",
                                 "path": "src/app.ts", "line": 18}]}

Findings are matched by fingerprint alone (``findings.assign_fingerprints``:
rule, path, the whitespace-normalised flagged line with secrets hashed, and the
occurrence index of that line in the file), so moving code, adding unrelated
lines or reindenting keeps a finding matched, while a second copy of the same
line is new. ``rule``, ``path`` and ``line`` are informational, for people
reading the file in review. Matching is a multiset: two identical
fingerprints in the baseline absorb two findings, not more. Paths are
relative to the project root, as in every output, and no secret is written:
the fingerprint hashes it.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from readylint.engine import RunResult
from readylint.findings import Finding

VERSION = 1


class BaselineError(Exception):
    """A baseline file that cannot be read or is not a readylint baseline."""


def entries(findings: list[Finding]) -> list[dict[str, Any]]:
    """The baseline rows for the visible findings, in a stable order for diffs."""
    rows = [
        {"fingerprint": f.fingerprint, "rule": f.rule, "path": f.path, "line": f.span.line}
        for f in findings
        # an inline-suppressed finding is already accepted where it is
        if not f.suppressed and f.fingerprint
    ]
    rows.sort(key=lambda row: (row["path"], row["line"], row["rule"], row["fingerprint"]))
    return rows


def write(path: Path, findings: list[Finding]) -> int:
    """Write the baseline for ``findings``; return how many it records."""
    rows = entries(findings)
    document = {"version": VERSION, "findings": rows}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return len(rows)


def load(path: Path) -> Counter[str]:
    """The fingerprints a baseline file records, with their multiplicities."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(
            f"baseline file not found: {path} (create it with --write-baseline {path})"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"cannot read baseline file {path}: {exc}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(document, dict) or document.get("version") != VERSION:
        raise BaselineError(f"{path}: not a readylint baseline (expected version {VERSION})")
    rows = document.get("findings")
    if not isinstance(rows, list):
        raise BaselineError(f"{path}: 'findings' must be a list")
    fingerprints: Counter[str] = Counter()
    for index, row in enumerate(rows):
        fingerprint = row.get("fingerprint") if isinstance(row, dict) else None
        if not isinstance(fingerprint, str) or not fingerprint:
            raise BaselineError(f"{path}: findings[{index}] has no 'fingerprint' string")
        fingerprints[fingerprint] += 1
    return fingerprints


def new_findings(findings: list[Finding], known: Counter[str]) -> tuple[list[Finding], int]:
    """The findings the baseline does not absorb, and how many it absorbed.

    Suppressed findings are kept (SARIF reports them as suppressed) and do not
    use up baseline entries; findings are taken in output order, so which copy
    of a duplicated line counts as new is deterministic."""
    remaining = Counter(known)
    kept: list[Finding] = []
    absorbed = 0
    for finding in findings:
        if not finding.suppressed and remaining[finding.fingerprint] > 0:
            remaining[finding.fingerprint] -= 1
            absorbed += 1
            continue
        kept.append(finding)
    return kept, absorbed


def apply(result: RunResult, known: Counter[str]) -> tuple[RunResult, int]:
    """``result`` without the findings the baseline knows, and their count."""
    kept, absorbed = new_findings(result.findings, known)
    return replace(result, findings=kept), absorbed

"""JSON output, version 1 (the schema is documented in the README)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from readylint import __version__, jsontext
from readylint.engine import RunResult
from readylint.output import visible
from readylint.registry import rules_by_code

JSON_VERSION = 1


def finding_dict(finding: Any, rules: dict[str, Any] | None = None) -> dict[str, Any]:
    rule = (rules if rules is not None else rules_by_code()).get(finding.rule)
    return {
        "rule": finding.rule,
        "name": rule.name if rule else finding.rule,
        "level": finding.level.label,
        "path": finding.path,
        "line": finding.span.line,
        "column": finding.span.col,
        "endLine": finding.span.end_line,
        "endColumn": finding.span.end_col,
        "message": finding.message,
        "fingerprint": finding.fingerprint,
        "related": [
            {"line": r.span.line, "column": r.span.col, "message": r.message}
            for r in finding.related
        ],
    }


def summary(result: RunResult) -> dict[str, Any]:
    shown = visible(result)
    levels = Counter(f.level.label for f in shown)
    return {
        "files": result.files_scanned,
        "lines": result.lines_scanned,
        "findings": len(shown),
        "suppressed": sum(1 for f in result.findings if f.suppressed),
        "byLevel": {level: levels.get(level, 0) for level in ("error", "warning", "note")},
        "byRule": dict(sorted(Counter(f.rule for f in shown).items())),
        "rulesRun": [rule.code for rule in result.rules_run],
    }


def render(result: RunResult, **_: Any) -> str:
    rules = rules_by_code()
    document = {
        "version": JSON_VERSION,
        "tool": {"name": "readylint", "version": __version__},
        "findings": [finding_dict(f, rules) for f in visible(result)],
        "notifications": [n.to_dict() for n in result.notifications],
        "summary": summary(result),
    }
    return jsontext.dumps(document) + "\n"

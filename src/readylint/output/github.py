"""GitHub Actions workflow commands: one annotation per finding."""

from __future__ import annotations

from typing import Any

from readylint.engine import RunResult
from readylint.output import visible
from readylint.registry import rules_by_code

COMMAND = {"error": "error", "warning": "warning", "note": "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(result: RunResult, **_: Any) -> str:
    lines = []
    known = rules_by_code()
    for f in visible(result):
        rule = known.get(f.rule)
        title = f"{f.rule} {rule.name}" if rule else f.rule
        props = ",".join(
            [
                f"file={_escape_property(f.path)}",
                f"line={f.span.line}",
                f"endLine={f.span.end_line}",
                f"col={f.span.col}",
                f"endColumn={f.span.end_col}",
                f"title={_escape_property(title)}",
            ]
        )
        lines.append(f"::{COMMAND[f.level.label]} {props}::{_escape_data(f.message)}")
    for n in result.notifications:
        where = f" file={_escape_property(n.path)}" if n.path else ""
        level = "warning" if n.level != "note" else "notice"
        lines.append(f"::{level}{where}::{_escape_data('readylint: ' + n.message)}")
    return "\n".join(lines) + ("\n" if lines else "")

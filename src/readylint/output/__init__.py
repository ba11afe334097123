"""Output formats. Each takes a ``RunResult`` and returns text; none knows a rule."""

from __future__ import annotations

from collections.abc import Callable

from readylint.engine import RunResult

Formatter = Callable[..., str]


def formatter(name: str) -> Formatter:
    if name == "json":
        from readylint.output.json_output import render
    elif name == "sarif":
        from readylint.output.sarif import render
    elif name == "github":
        from readylint.output.github import render
    else:
        from readylint.output.text import render
    return render


def visible(result: RunResult) -> list:  # type: ignore[type-arg]
    """Findings shown by text/JSON/GitHub: inline-suppressed ones are left out."""
    return [f for f in result.findings if not f.suppressed]

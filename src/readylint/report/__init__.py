"""``readylint report``: the production-readiness scorecard by angle.

``build`` turns a run into numbers (``model``); the renderers turn numbers into
markdown, HTML (Jinja2 templates in ``templates/``) or JSON.
"""

from __future__ import annotations

from collections.abc import Callable

from readylint.report.model import Readiness, build

FORMATS = ("markdown", "html", "json")


def renderer(name: str) -> Callable[[Readiness], str]:
    if name == "json":
        from readylint.report.render_json import render_json

        return render_json
    from readylint.report.render import render_html, render_markdown

    return render_html if name == "html" else render_markdown


__all__ = ["FORMATS", "Readiness", "build", "renderer"]

"""INF003 missing-request-timeout: the application never bounds request time."""

from __future__ import annotations

from collections.abc import Iterator

from readylint.findings import Level
from readylint.project import HttpProject, ProjectReport, describe_app
from readylint.rule import ProjectContext, Rule


class MissingRequestTimeout(Rule):
    code = "INF003"
    name = "missing-request-timeout"
    angle = "infrastructure"
    level = Level.WARNING
    summary = "HTTP application sets no request timeout of its own"
    scope = "project"
    tags = ("infrastructure", "resilience")
    facts = ("http",)

    def check_project(self, ctx: ProjectContext) -> Iterator[ProjectReport]:
        http = HttpProject.of(ctx.facts)
        for app in http.apps:
            if not http.has_setting(app, "timeout"):
                yield ProjectReport(
                    app["place"],
                    f"{describe_app(app)} sets no request timeout (Node 18+ defaults "
                    "requestTimeout to 300 s; older Node has none), so slow clients hold "
                    "connections; set server.requestTimeout / server.setTimeout() or use "
                    "timeout middleware",
                )

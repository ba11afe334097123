"""INF005 missing-graceful-shutdown: nothing handles SIGTERM."""

from __future__ import annotations

from collections.abc import Iterator

from readylint.findings import Level
from readylint.project import HttpProject, ProjectReport, describe_app
from readylint.rule import ProjectContext, Rule


class MissingGracefulShutdown(Rule):
    code = "INF005"
    name = "missing-graceful-shutdown"
    angle = "infrastructure"
    level = Level.WARNING
    summary = "HTTP application does not shut down gracefully on SIGTERM"
    scope = "project"
    tags = ("infrastructure", "kubernetes", "resilience")
    facts = ("http",)

    def check_project(self, ctx: ProjectContext) -> Iterator[ProjectReport]:
        http = HttpProject.of(ctx.facts)
        for app in http.apps:
            if not http.has_setting(app, "shutdown"):
                yield ProjectReport(
                    app["place"],
                    f"{describe_app(app)} has no SIGTERM/SIGINT handler, enableShutdownHooks() "
                    "or shutdown library, so deploys cut in-flight requests; close the server "
                    "and the database pool on SIGTERM",
                )

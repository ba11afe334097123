"""INF002 shallow-readiness-probe: a readiness handler that checks nothing."""

from __future__ import annotations

from collections.abc import Iterator

from readylint.findings import Level
from readylint.project import HttpProject, ProjectReport
from readylint.rule import ProjectContext, Rule


class ShallowReadinessProbe(Rule):
    code = "INF002"
    name = "shallow-readiness-probe"
    angle = "infrastructure"
    level = Level.WARNING
    summary = "Readiness route answers without checking any dependency"
    scope = "project"
    tags = ("infrastructure", "kubernetes", "health")
    facts = ("http",)

    def check_project(self, ctx: ProjectContext) -> Iterator[ProjectReport]:
        http = HttpProject.of(ctx.facts)
        readiness = ctx.options_of("INF001")["readiness-paths"]
        for app in http.apps:
            for route in http.matching_routes(app, readiness):
                if route.fact["shallow"] is True and not route.fact["health_check"]:
                    yield ProjectReport(
                        route.place,
                        f"the readiness route {route.full_path} returns a constant without "
                        "checking any dependency, so it reports ready while the database is "
                        "down; check the database (and other dependencies) in the handler",
                    )

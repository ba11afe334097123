"""INF001 missing-readiness-probe: the application has no readiness route."""

from __future__ import annotations

from collections.abc import Iterator

from readylint.findings import Level
from readylint.project import HttpProject, ProjectReport, describe_app
from readylint.rule import Option, ProjectContext, Rule

READINESS_PATHS = [
    "/readyz", "/ready", "/readiness", "/health/ready", "/health/readiness", "/healthz/ready",
]  # fmt: skip
LIVENESS_PATHS = ["/healthz", "/health", "/livez", "/ping", "/liveness", "/live"]


class MissingReadinessProbe(Rule):
    code = "INF001"
    name = "missing-readiness-probe"
    angle = "infrastructure"
    level = Level.ERROR
    summary = "HTTP application has no readiness probe route"
    scope = "project"
    tags = ("infrastructure", "kubernetes", "health")
    facts = ("http",)
    options = (
        Option("readiness-paths", list, READINESS_PATHS, "paths that count as a readiness route"),
        Option("liveness-paths", list, LIVENESS_PATHS, "paths that count as a liveness route"),
    )

    def check_project(self, ctx: ProjectContext) -> Iterator[ProjectReport]:
        http = HttpProject.of(ctx.facts)
        readiness = ctx.options["readiness-paths"]
        liveness = ctx.options["liveness-paths"]
        for app in http.apps:
            if http.matching_routes(app, readiness):
                continue
            live = http.matching_routes(app, liveness)
            if live:
                route = live[0]
                yield ProjectReport(
                    route.place,
                    f"{route.fact['method'].upper()} {route.full_path} is a liveness route, and "
                    f"liveness is not readiness: {describe_app(app)} has no readiness route; add "
                    f"{readiness[0]} that checks the database and other dependencies",
                )
            else:
                yield ProjectReport(
                    app["place"],
                    f"{describe_app(app)} has no readiness route ({', '.join(readiness[:3])}, …), "
                    "so the orchestrator sends it traffic before it can serve; add one that "
                    "checks its dependencies",
                )

"""INF004 missing-metrics-endpoint: no /metrics route and no metrics library."""

from __future__ import annotations

from collections.abc import Iterator

from readylint.findings import Level
from readylint.project import HttpProject, ProjectReport, describe_app
from readylint.rule import ProjectContext, Rule


class MissingMetricsEndpoint(Rule):
    code = "INF004"
    name = "missing-metrics-endpoint"
    angle = "infrastructure"
    level = Level.NOTE
    summary = "HTTP application exposes no metrics"
    scope = "project"
    tags = ("infrastructure", "observability")
    facts = ("http",)

    def check_project(self, ctx: ProjectContext) -> Iterator[ProjectReport]:
        http = HttpProject.of(ctx.facts)
        for app in http.apps:
            if http.has_setting(app, "metrics"):
                continue
            if http.matching_routes(app, ["/metrics"]):
                continue
            yield ProjectReport(
                app["place"],
                f"{describe_app(app)} has no /metrics route and uses no metrics library, so "
                "nobody sees its latency and error rates; expose Prometheus metrics "
                "(prom-client) or OpenTelemetry",
            )

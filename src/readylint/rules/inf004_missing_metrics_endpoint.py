"""INF004 missing-metrics-endpoint: no /metrics route and no metrics library."""

from __future__ import annotations

from collections.abc import Iterator

from readylint.findings import Level
from readylint.project import HttpProject, ProjectReport, describe_app, path_matches
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
        http = HttpProject(ctx.facts)
        for app in http.apps:
            if http.settings(app, "metrics"):
                continue
            if any(path_matches(r.full_path, ["/metrics"]) for r in http.routes(app)):
                continue
            yield ProjectReport(
                app["place"],
                f"{describe_app(app)} has no /metrics route and uses no metrics library, so "
                "nobody sees its latency and error rates; expose Prometheus metrics "
                "(prom-client) or OpenTelemetry",
            )

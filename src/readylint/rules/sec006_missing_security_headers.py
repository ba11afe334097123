"""SEC006 missing-security-headers: an application with no security-header middleware."""

from __future__ import annotations

from collections.abc import Iterator

from readylint.findings import Level
from readylint.project import HttpProject, ProjectReport, describe_app
from readylint.rule import ProjectContext, Rule


class MissingSecurityHeaders(Rule):
    code = "SEC006"
    name = "missing-security-headers"
    angle = "security"
    level = Level.WARNING
    summary = "HTTP application sets no security headers (no helmet)"
    scope = "project"
    tags = ("security", "headers", "external/cwe/cwe-693")
    security_severity = 4.3
    facts = ("http",)

    def check_project(self, ctx: ProjectContext) -> Iterator[ProjectReport]:
        http = HttpProject.of(ctx.facts)
        for app in http.apps:
            if not http.has_setting(app, "security-headers"):
                yield ProjectReport(
                    app["place"],
                    f"{describe_app(app)} sets no security headers (no helmet, no "
                    "Content-Security-Policy or X-Content-Type-Options), so browsers get no "
                    "protection against clickjacking and MIME sniffing; add helmet()",
                )

"""SARIF 2.1.0 for GitHub code scanning and editors, built with ``sarif-om``.

``sarif-om`` gives typed classes but no serialiser, and its ``PropertyBag``
models only ``tags``; ``_to_json`` walks the attrs classes by their
``schema_property_name`` and merges the extra properties (``precision``,
``security-severity``) kept beside each bag.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import attr
import sarif_om as om

from readylint import __version__, jsontext
from readylint.docs import doc_for
from readylint.engine import RunResult
from readylint.findings import Finding
from readylint.rule import Rule

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://github.com/readylint/readylint"
MAX_RESULTS = 25_000  # GitHub code scanning's limit per run
SRCROOT = "%SRCROOT%"
_DROP_DEFAULTS = {
    "byte_offset", "char_offset", "rank", "rule_index", "newline_sequences", "kind", "contents",
    "index",
}  # fmt: skip


def _to_json(obj: Any) -> Any:
    if obj is None or isinstance(obj, str | int | float):
        return obj
    if isinstance(obj, list | tuple):
        return [_to_json(v) for v in obj]
    if isinstance(obj, dict):
        return {k: _to_json(v) for k, v in obj.items()}
    plan = _plan_of(type(obj))
    if plan is None:
        return obj
    data: dict[str, Any] = {}
    for name, key, drop_default, default in plan:
        value = getattr(obj, name)
        if value is None or (drop_default and value == default):
            continue
        data[key] = _to_json(value)
    data.update(getattr(obj, "extra", {}))
    return data


# attrs class -> (attribute, SARIF name, dropped when default, default) per field, or
# None for other types: read once per class, not for each of thousands of results
_PLANS: dict[type, tuple[tuple[str, str, bool, Any], ...] | None] = {}


def _plan_of(cls: type) -> tuple[tuple[str, str, bool, Any], ...] | None:
    if cls not in _PLANS:
        _PLANS[cls] = (
            tuple(
                (
                    field.name,
                    field.metadata.get("schema_property_name", field.name),
                    field.name in _DROP_DEFAULTS,
                    field.default,
                )
                for field in attr.fields(cls)
                if field.name != "newline_sequences"
            )
            if attr.has(cls)
            else None
        )
    return _PLANS[cls]


def _bag(tags: list[str], **extra: Any) -> om.PropertyBag:
    bag = om.PropertyBag(tags=tags)
    bag.extra = {k.replace("_", "-"): v for k, v in extra.items() if v is not None}
    return bag


def uri_for(path: str) -> str:
    return quote(path, safe="/")


def _descriptor(rule: Rule) -> om.ReportingDescriptor:
    doc = doc_for(rule.code)
    help_md = doc.markdown if doc else rule.summary
    help_text = doc.plain_text if doc else rule.summary
    full = doc.why.strip().split("\n\n")[0].replace("\n", " ") if doc and doc.why else rule.summary
    severity = f"{rule.security_severity:.1f}" if rule.security_severity is not None else None
    return om.ReportingDescriptor(
        id=rule.code,
        name=rule.name,
        short_description=om.MultiformatMessageString(text=rule.summary),
        full_description=om.MultiformatMessageString(text=full),
        help=om.MultiformatMessageString(text=help_text, markdown=help_md),
        default_configuration=om.ReportingConfiguration(level=rule.level.label),
        properties=_bag(
            sorted({rule.angle, *rule.tags}),
            precision=rule.precision,
            security_severity=severity,
        ),
    )


def _location(path: str, finding_span: Any, snippet: str | None = None) -> om.Location:
    region = om.Region(
        start_line=finding_span.line,
        start_column=finding_span.col16,
        end_line=finding_span.end_line,
        end_column=finding_span.end_col16,
        snippet=om.ArtifactContent(text=snippet) if snippet is not None else None,
    )
    return om.Location(
        physical_location=om.PhysicalLocation(
            artifact_location=om.ArtifactLocation(uri=uri_for(path), uri_base_id=SRCROOT),
            region=region,
        )
    )


def _result(finding: Finding, index: dict[str, int]) -> om.Result:
    related = [
        om.Location(
            id=i,
            physical_location=_location(finding.path, r.span).physical_location,
            message=om.Message(text=r.message),
        )
        for i, r in enumerate(finding.related, start=1)
    ]
    return om.Result(
        rule_id=finding.rule,
        rule_index=index[finding.rule],
        level=finding.level.label,
        message=om.Message(text=finding.message),
        locations=[_location(finding.path, finding.span, finding.source_line)],
        related_locations=related or None,
        partial_fingerprints={"readylintFingerprint/v1": finding.fingerprint},
        suppressions=(
            [om.Suppression(kind="inSource", justification=finding.suppression_reason or None)]
            if finding.suppressed
            else None
        ),
    )


def _notification(message: str, path: str, level: str, rule: str) -> om.Notification:
    locations = None
    if path:
        locations = [
            om.Location(
                physical_location=om.PhysicalLocation(
                    artifact_location=om.ArtifactLocation(uri=uri_for(path), uri_base_id=SRCROOT)
                )
            )
        ]
    return om.Notification(
        message=om.Message(text=f"{path}: {message}" if path else message),
        level=level,
        locations=locations,
        associated_rule=om.ReportingDescriptorReference(id=rule) if rule.isupper() else None,
    )


def render(result: RunResult, category: str | None = None, **_: Any) -> str:
    rules = sorted(result.rules_run, key=lambda r: r.code)
    seen_codes = {f.rule for f in result.findings}
    known = {r.code for r in rules}
    from readylint.registry import rules_by_code

    rules += [rules_by_code()[c]() for c in sorted(seen_codes - known)]
    index = {rule.code: i for i, rule in enumerate(rules)}
    findings = result.findings[:MAX_RESULTS]
    notifications = [
        _notification(n.message, n.path, n.level, n.rule) for n in result.notifications
    ]
    if len(result.findings) > MAX_RESULTS:
        notifications.append(
            _notification(
                f"{len(result.findings)} results; only the first {MAX_RESULTS} are included "
                "(GitHub code scanning's limit per run)",
                "",
                "warning",
                "",
            )
        )
    root_uri = result.project_root.resolve().as_uri().rstrip("/") + "/"
    run = om.Run(
        tool=om.Tool(
            driver=om.ToolComponent(
                name="readylint",
                version=__version__,
                semantic_version=__version__,
                information_uri=INFORMATION_URI,
                rules=[_descriptor(rule) for rule in rules],
            )
        ),
        results=[_result(f, index) for f in findings],
        invocations=[
            om.Invocation(
                execution_successful=not any(n.level == "error" for n in result.notifications),
                tool_execution_notifications=notifications or None,
            )
        ],
        column_kind="utf16CodeUnits",
        original_uri_base_ids={SRCROOT: om.ArtifactLocation(uri=root_uri)},
        automation_details=(
            om.RunAutomationDetails(id=category if category.endswith("/") else category + "/")
            if category
            else None
        ),
    )
    log = om.SarifLog(version="2.1.0", schema_uri=SCHEMA, runs=[run])
    return jsontext.dumps(_to_json(log)) + "\n"

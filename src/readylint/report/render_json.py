"""The scorecard as JSON: the same numbers as markdown and HTML (schema in docs/report.md)."""

from __future__ import annotations

from typing import Any

from readylint import jsontext
from readylint.report.model import (
    CONDITIONAL_AT,
    MAX_PLACES,
    READY_AT,
    WEIGHTS,
    AngleScore,
    Check,
    Place,
    Readiness,
    shown,
)

REPORT_VERSION = 1


def _place(place: Place) -> dict[str, Any]:
    return {"path": place.path, "line": place.line, "column": place.column}


def _check(check: Check) -> dict[str, Any]:
    return {
        "rule": check.code,
        "name": check.name,
        "level": check.level.label,
        "weight": check.weight,
        "passed": check.passed,
        "summary": check.summary,
        "findings": check.findings,
        "blockers": check.blockers,
        "places": [_place(p) for p in check.places],
        "fix": check.fix,
    }


def _angle(angle: AngleScore) -> dict[str, Any]:
    return {
        "angle": angle.angle,
        "score": shown(angle.score),
        "status": angle.status,
        "blockers": angle.blockers,
        "weight": angle.weight,
        "passedWeight": angle.passed_weight,
        "checks": [_check(c) for c in angle.checks],
    }


def document(report: Readiness) -> dict[str, Any]:
    scan = report.scan
    return {
        "version": REPORT_VERSION,
        "kind": "readiness-report",
        "tool": {"name": "readylint", "version": scan.version},
        "generated": report.generated.isoformat().replace("+00:00", "Z"),
        "subject": report.subject,
        "overall": {
            "score": shown(report.score),
            "verdict": report.verdict,
            "status": report.status,
            "blockers": len(report.blockers),
            "scoredAngles": [a.angle for a in report.scored_angles],
        },
        "angles": [_angle(a) for a in report.angles],
        "blockers": [
            {
                "rule": b.code,
                "name": b.name,
                "angle": b.angle,
                **_place(b.place),
                "message": b.message,
            }
            for b in report.blockers
        ],
        "method": {
            "weights": {level.label: weight for level, weight in WEIGHTS.items()},
            "thresholds": {"ready": READY_AT, "conditional": CONDITIONAL_AT},
            "maxPlaces": MAX_PLACES,
            "rounding": "down to one decimal",
        },
        "scanned": {
            "paths": scan.paths,
            "files": scan.files,
            "lines": scan.lines,
            "seconds": round(scan.seconds, 3),
            "rulesRun": scan.rules_run,
            "rulesNotRun": scan.rules_not_run,
            "suppressed": scan.suppressed,
            "notifications": scan.notifications,
            "ruleFailures": scan.rule_failures,
        },
    }


def render_json(report: Readiness) -> str:
    return jsontext.dumps(document(report)) + "\n"

"""`readylint report`: the scorecard's numbers, computed by hand, and their renderings."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from readylint.cli import main
from readylint.config import Config
from readylint.engine import RunResult
from readylint.findings import Finding, Level, Span
from readylint.registry import all_rules
from readylint.report import build, renderer
from readylint.report.model import CONDITIONAL, NOT_READY, READY, shown
from readylint.rule import ANGLES, Rule

REPO = Path(__file__).resolve().parents[1]
PROJECTS = Path(__file__).parent / "fixtures" / "report"
EXAMPLE = REPO / "examples" / "ticketing-api"
WEIGHT = {"error": 3, "warning": 2, "note": 1}
STATUS_SYMBOL = {"pass": "✅", "warn": "⚠️", "fail": "❌"}


def report(*args: str) -> Any:
    """The JSON report, through the command line a user types."""
    result = CliRunner().invoke(main, ["report", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def markdown(*args: str) -> str:
    result = CliRunner().invoke(main, ["report", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def angle(data: Any, name: str) -> Any:
    return next(a for a in data["angles"] if a["angle"] == name)


# --- fixture projects, scores computed by hand (only SEC002 and SEC003 selected) ---


def test_not_ready_project_scores_half_and_lists_its_blocker() -> None:
    data = report(str(PROJECTS / "not-ready"), "--select", "SEC002,SEC003")
    security = angle(data, "security")
    # SEC002 (error, 3) has a finding; SEC003 (error, 3) has none: 3 / 6
    assert (security["passedWeight"], security["weight"]) == (3, 6)
    assert security["score"] == 50.0 and security["status"] == "fail"
    assert security["blockers"] == 1
    # one angle scored, so the overall score is that angle's
    assert data["overall"] == {
        "score": 50.0,
        "verdict": "NOT READY",
        "status": "fail",
        "blockers": 1,
        "scoredAngles": ["security"],
    }
    for other in ANGLES[1:]:
        assert angle(data, other)["score"] is None and angle(data, other)["status"] == "unscored"
    gap, passed = security["checks"]
    assert (gap["rule"], gap["findings"], gap["passed"]) == ("SEC002", 1, False)
    assert gap["places"] == [
        {"path": "tests/fixtures/report/not-ready/src/app.ts", "line": 8, "column": 9}
    ]
    assert gap["fix"] == "Pass an explicit allowlist of origins instead of allowing every origin."
    assert (passed["rule"], passed["passed"]) == ("SEC003", True)
    assert data["blockers"] == [
        {
            "rule": "SEC002",
            "name": "open-cors",
            "angle": "security",
            "path": "tests/fixtures/report/not-ready/src/app.ts",
            "line": 8,
            "column": 9,
            "message": gap_message(data),
        }
    ]
    # the suppressed cors() in orders.ts does not count, but is accounted for
    assert data["scanned"]["suppressed"] == 1
    assert data["scanned"]["files"] == 3
    assert data["scanned"]["rulesRun"] == ["SEC002", "SEC003"]


def gap_message(data: Any) -> str:
    message = data["blockers"][0]["message"]
    assert message.startswith("cors() is called without options")
    return str(message)


def test_levels_config_lowers_the_weight_and_makes_it_conditional() -> None:
    data = report(str(PROJECTS / "conditional"), "--select", "SEC002,SEC003")
    security = angle(data, "security")
    # [levels] SEC002 = "warning": SEC002 weighs 2 and fails, SEC003 weighs 3 and passes
    assert (security["passedWeight"], security["weight"]) == (3, 5)
    assert security["score"] == 60.0 and security["status"] == "warn"
    assert security["blockers"] == 0
    sec002 = security["checks"][0]
    assert (sec002["rule"], sec002["level"], sec002["weight"]) == ("SEC002", "warning", 2)
    # exactly at the CONDITIONAL threshold, and a warning is no blocker
    assert data["overall"]["verdict"] == "CONDITIONAL"
    assert data["overall"]["blockers"] == 0 and data["blockers"] == []


def test_clean_project_is_ready_and_suppressed_findings_do_not_count() -> None:
    data = report(str(PROJECTS / "ready"), "--select", "SEC002,SEC003")
    security = angle(data, "security")
    assert (security["passedWeight"], security["weight"], security["score"]) == (6, 6, 100.0)
    assert all(check["passed"] for check in security["checks"])
    assert data["overall"]["verdict"] == "READY" and data["overall"]["score"] == 100.0
    assert data["scanned"]["suppressed"] == 1


def test_ignore_and_config_apply_as_for_check() -> None:
    data = report(str(PROJECTS / "not-ready"), "--select", "SEC", "--ignore", "SEC002")
    assert "SEC002" not in data["scanned"]["rulesRun"]
    assert all(c["rule"] != "SEC002" for a in data["angles"] for c in a["checks"])
    assert data["blockers"] == [] or all(b["rule"] != "SEC002" for b in data["blockers"])
    config = PROJECTS / "conditional" / "readylint.toml"
    lowered = report(
        str(PROJECTS / "not-ready"), "--select", "SEC002,SEC003", "--config", str(config)
    )
    assert angle(lowered, "security")["checks"][0]["level"] == "warning"
    assert lowered["overall"]["verdict"] == "CONDITIONAL"


# --- every rule that exists now or later: expected numbers from what actually ran ---


@pytest.mark.parametrize("project", ["not-ready", "conditional", "ready"])
def test_scores_follow_the_definition_for_every_rule_that_ran(project: str) -> None:
    folder = PROJECTS / project
    checked = CliRunner().invoke(main, ["check", str(folder), "--format", "json"])
    findings = json.loads(checked.stdout)
    data = report(str(folder))
    levels = {"SEC002": "warning"} if project == "conditional" else {}
    rules = {r.code: r for r in all_rules()}
    ran = findings["summary"]["rulesRun"]
    assert data["scanned"]["rulesRun"] == sorted(ran)
    failing = {f["rule"] for f in findings["findings"]}
    scores = []
    for name in ANGLES:
        codes = [c for c in ran if rules[c].angle == name]
        got = angle(data, name)
        if not codes:
            assert got["score"] is None
            continue
        weights = {c: WEIGHT[levels.get(c, rules[c].level.label)] for c in codes}
        passed = sum(w for c, w in weights.items() if c not in failing)
        assert (got["passedWeight"], got["weight"]) == (passed, sum(weights.values()))
        exact = Fraction(100 * passed, sum(weights.values()))
        assert got["score"] == shown(exact)
        scores.append(exact)
    overall = sum(scores, Fraction(0)) / len(scores)
    assert data["overall"]["score"] == shown(overall)
    errors = [f for f in findings["findings"] if f["level"] == "error"]
    assert data["overall"]["blockers"] == len(errors)
    verdict = (
        "READY" if overall >= 90 and not errors else "CONDITIONAL" if overall >= 60 else "NOT READY"
    )
    assert data["overall"]["verdict"] == verdict


def test_project_rules_are_left_out_when_only_files_are_given() -> None:
    target = PROJECTS / "not-ready" / "src" / "app.ts"
    data = report(str(target))
    project_rules = sorted(r.code for r in all_rules() if r.scope == "project")
    file_rules = sorted(r.code for r in all_rules() if r.scope == "file")
    assert data["scanned"]["rulesNotRun"] == project_rules
    assert data["scanned"]["rulesRun"] == file_rules
    scored = {c["rule"] for a in data["angles"] for c in a["checks"]}
    assert scored == set(file_rules)


# --- the model on made-up rules: several angles, thresholds, rounding ---


def make_rule(code: str, angle_name: str, level: Level) -> Rule:
    attributes: dict[str, Any] = {
        "code": code,
        "name": f"made-up-{code.lower()}",
        "angle": angle_name,
        "level": level,
        "summary": f"what {code} looks for",
    }
    return type(f"Rule{code}", (Rule,), attributes)()


def finding(code: str, level: Level, line: int = 1, suppressed: bool = False) -> Finding:
    return Finding(
        rule=code,
        level=level,
        path=f"src/{code.lower()}.ts",
        span=Span(line, 1, 1, line, 5, 5),
        message=f"{code} found something",
        suppressed=suppressed,
    )


def run_result(rules: list[Rule], findings: list[Finding]) -> RunResult:
    return RunResult(findings, [], Path("/project"), 10, 200, rules, 0.5, True)


NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def test_overall_is_the_mean_over_angles_that_have_rules() -> None:
    rules = [
        make_rule("XSE001", "security", Level.ERROR),
        make_rule("XSE002", "security", Level.WARNING),
        make_rule("XDA001", "data", Level.NOTE),
        make_rule("XDA002", "data", Level.ERROR),
        make_rule("XCM001", "compliance", Level.WARNING),
    ]
    findings = [
        finding("XSE001", Level.ERROR),
        finding("XSE001", Level.ERROR, line=9),
        finding("XDA002", Level.ERROR),
        finding("XCM001", Level.WARNING, suppressed=True),
    ]
    scorecard = build(run_result(rules, findings), Config(), ["."], rules, now=NOW)
    by_angle = {a.angle: a for a in scorecard.angles}
    # security: XSE002 (2) of 3 + 2 -> 40; data: XDA001 (1) of 1 + 3 -> 25;
    # compliance: its only finding is suppressed -> 100; the others have no rules
    assert by_angle["security"].score == 40
    assert by_angle["data"].score == 25
    assert by_angle["compliance"].score == 100
    assert by_angle["infrastructure"].score is None and by_angle["operations"].score is None
    assert scorecard.score == Fraction(40 + 25 + 100, 3)  # 55
    assert scorecard.verdict == NOT_READY
    assert [(b.angle, b.code, b.place.line) for b in scorecard.blockers] == [
        ("security", "XSE001", 1),
        ("security", "XSE001", 9),
        ("data", "XDA002", 1),
    ]
    assert by_angle["security"].checks[0].findings == 2
    assert scorecard.scan.suppressed == 1


def test_ninety_with_a_blocker_is_conditional_and_without_is_ready() -> None:
    rules = [make_rule(f"XSE{n:03}", "security", Level.ERROR) for n in range(1, 11)]
    blocker = [finding("XSE001", Level.ERROR)]
    scorecard = build(run_result(rules, blocker), Config(), ["."], rules, now=NOW)
    assert scorecard.score == 90 and scorecard.angles[0].status == "pass"
    assert scorecard.verdict == CONDITIONAL
    # the same rule lowered to a warning by [levels]: 27 of 29, and no blocker
    config = Config(levels={"XSE001": Level.WARNING})
    lowered = [finding("XSE001", Level.WARNING)]
    scorecard = build(run_result(rules, lowered), config, ["."], rules, now=NOW)
    assert scorecard.score == Fraction(2700, 29)  # 93.1
    assert scorecard.verdict == READY


def test_shown_scores_round_down_so_status_and_number_agree() -> None:
    rules = [
        make_rule("XOP001", "operations", Level.WARNING),
        make_rule("XOP002", "operations", Level.NOTE),
    ]
    scorecard = build(
        run_result(rules, [finding("XOP002", Level.NOTE)]), Config(), ["."], rules, now=NOW
    )
    operations = next(a for a in scorecard.angles if a.angle == "operations")
    assert operations.score == Fraction(200, 3)
    assert shown(operations.score) == 66.6
    assert shown(Fraction(8999, 100)) == 89.9  # never shown as 90.0 beside a ⚠️
    assert "66.6%" in renderer("markdown")(scorecard)


def test_no_rule_run_means_no_score_and_not_ready() -> None:
    scorecard = build(run_result([], []), Config(), ["."], [], now=NOW)
    assert scorecard.score is None and scorecard.verdict == NOT_READY
    document = json.loads(renderer("json")(scorecard))
    assert document["overall"]["score"] is None
    assert "NOT READY" in renderer("markdown")(scorecard)
    assert "NOT READY" in renderer("html")(scorecard)


def test_markdown_and_html_escape_what_code_put_in_messages() -> None:
    rules = [make_rule("XSE001", "security", Level.ERROR)]
    odd = finding("XSE001", Level.ERROR)
    odd.message = "header <script>alert(1)</script> | *bold* [link](x) set to `*`"
    scorecard = build(run_result(rules, [odd]), Config(), ["."], rules, now=NOW)
    html = renderer("html")(scorecard)
    assert "<script>" not in html and "&lt;script&gt;" in html
    md = renderer("markdown")(scorecard)
    assert "<script>" not in md and r"\*bold\*" in md and r"\|" in md


# --- the renderings say the same thing ---


def test_markdown_verdict_and_table_match_the_json() -> None:
    data = report(str(EXAMPLE))
    text = markdown(str(EXAMPLE))
    verdict = re.search(r"^\*\*Verdict: (\S+) (READY|CONDITIONAL|NOT READY)\*\*", text, re.M)
    assert verdict is not None
    assert verdict.group(2) == data["overall"]["verdict"]
    assert verdict.group(1) == STATUS_SYMBOL[data["overall"]["status"]]
    rows = dict(
        (m.group(1).lower(), m.group(2))
        for m in re.finditer(r"^\| (\w+) \| ([\d.]+%|—) \|", text, re.M)
    )
    for entry in data["angles"]:
        expected = "—" if entry["score"] is None else f"{entry['score']:g}%"
        assert rows[entry["angle"]] == expected
    overall = f"**{data['overall']['score']:g}%**"
    assert f"| **Overall** | {overall} | **{data['overall']['verdict']}** |" in text
    blockers = re.findall(r"^\d+\. \*\*(\w+)\*\* · (\w+\d+) ", text, re.M)
    assert blockers == [(b["angle"].capitalize(), b["rule"]) for b in data["blockers"]]


def test_markdown_has_every_section_the_scorecard_needs() -> None:
    text = markdown(str(EXAMPLE))
    for heading in (
        "## Summary",
        "## Blockers before production",
        "## How the numbers were computed",
    ):
        assert heading in text
    for name in ANGLES:
        assert f"## {name.capitalize()}: " in text
    assert "error 3, warning 2, note 1" in text
    assert f"Scanned `{EXAMPLE}`: " in text
    # the one-line fix comes from the rule's doc, as written there
    assert "Fix: Pass an explicit allowlist of origins instead of allowing every origin." in text


def test_example_report_agrees_with_its_planted_findings() -> None:
    data = report(str(EXAMPLE))
    planted: dict[str, int] = {}
    for row in (EXAMPLE / "EXPECTED").read_text(encoding="utf-8").split("\n"):
        if row.strip():
            code = row.split()[1]
            planted[code] = planted.get(code, 0) + 1
    for entry in data["angles"]:
        for check in entry["checks"]:
            assert check["findings"] == planted.get(check["rule"], 0), check["rule"]


def test_secrets_stay_masked_in_every_format() -> None:
    for output_format in ("markdown", "html", "json"):
        result = CliRunner().invoke(main, ["report", str(EXAMPLE), "--format", output_format])
        assert result.exit_code == 0
        assert "dev-secret-change-me" not in result.output
        assert "sk_live_" not in result.output


def test_json_matches_the_schema_in_docs_report_md() -> None:
    doc = (REPO / "docs" / "report.md").read_text(encoding="utf-8")
    block = re.search(r"```json schema\n(.*?)```", doc, re.S)
    assert block is not None, "docs/report.md needs a ```json schema block"
    schema = json.loads(block.group(1))
    jsonschema.Draft202012Validator.check_schema(schema)
    for target in (EXAMPLE, PROJECTS / "ready"):
        jsonschema.validate(report(str(target)), schema)


def test_output_file_and_exit_code(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "report.html"
    result = CliRunner().invoke(main, ["report", str(EXAMPLE), "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert "NOT READY" in result.output  # the one-line note on stderr names the verdict
    assert CliRunner().invoke(main, ["report", "--select", "XYZ"]).exit_code == 2
    jobs = CliRunner().invoke(
        main, ["report", str(PROJECTS / "ready"), "--jobs", "2", "--no-cache"]
    )
    assert jobs.exit_code == 0, jobs.output

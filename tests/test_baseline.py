"""--write-baseline records findings by fingerprint; --baseline reports only new ones."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from readylint.baseline import new_findings
from readylint.cli import main
from readylint.findings import Finding, Level, Span

APP = """\
import cors from 'cors';
import express from 'express';
import jwt from 'jsonwebtoken';

const app = express();
app.use(express.json());
app.use(cors());

export function issue(userId: string): string {
  return jwt.sign({ sub: userId }, 'a-very-private-signing-key-1234', { expiresIn: '15m' });
}
"""
SECRET = "a-very-private-signing-key-1234"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with one file that has two findings; the cwd is its root."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.ts").write_text(APP, encoding="utf-8")
    # the rules these tests are about; others would add findings of their own
    (tmp_path / "readylint.toml").write_text('select = ["SEC002", "SEC003"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check(*args: str) -> tuple[int, dict]:
    """Run ``check`` with JSON output; the exit code and the parsed document."""
    result = CliRunner().invoke(main, ["check", *args, "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def new_rules(*args: str) -> list[tuple[str, int]]:
    _, document = check(*args)
    return [(f["rule"], f["line"]) for f in document["findings"]]


def write_baseline(target: str = ".", baseline: str = "readylint-baseline.json") -> dict:
    result = CliRunner().invoke(main, ["check", target, "--write-baseline", baseline])
    assert result.exit_code == 0, result.output
    return json.loads(Path(baseline).read_text(encoding="utf-8"))


def edit(project: Path, text: str) -> None:
    (project / "src" / "app.ts").write_text(text, encoding="utf-8")


def test_write_baseline_records_fingerprints_and_exits_0(project: Path) -> None:
    document = write_baseline()
    assert document["version"] == 1
    rows = document["findings"]
    assert [(r["rule"], r["path"], r["line"]) for r in rows] == [
        ("SEC002", "src/app.ts", 7),
        ("SEC003", "src/app.ts", 10),
    ]
    assert all(set(r) == {"fingerprint", "rule", "path", "line"} for r in rows)
    _, current = check(".")
    assert sorted(r["fingerprint"] for r in rows) == sorted(
        f["fingerprint"] for f in current["findings"]
    )


def test_the_baseline_never_holds_a_secret(project: Path) -> None:
    write_baseline()
    text = Path("readylint-baseline.json").read_text(encoding="utf-8")
    assert SECRET not in text and SECRET[:8] not in text


def test_baseline_hides_known_findings_and_exit_code_follows(project: Path) -> None:
    assert check(".")[0] == 1
    write_baseline()
    code, document = check(".", "--baseline", "readylint-baseline.json")
    assert code == 0 and document["findings"] == []
    assert document["summary"]["findings"] == 0


def test_moving_code_and_adding_lines_keeps_old_findings_matched(project: Path) -> None:
    write_baseline()
    header = "// Ticketing API entry point.\n// Owned by the platform team.\n\n"
    moved = APP.replace("app.use(express.json());\napp.use(cors());\n", "")
    moved = moved.replace(
        "const app = express();\n",
        "const app = express();\n\nfunction health() {\n  return { ok: true };\n}\n",
    )
    moved = header + moved + "\napp.use(express.json());\napp.use(cors());\napp.listen(3000);\n"
    edit(project, moved)
    assert sorted(new_rules(".")) == [("SEC002", 19), ("SEC003", 15)]  # the lines did move
    assert new_rules(".", "--baseline", "readylint-baseline.json") == []


def test_moving_code_up_keeps_old_findings_matched(project: Path) -> None:
    write_baseline()
    lines = APP.splitlines(keepends=True)
    edit(project, "".join([lines[6], *lines[:6], *lines[7:]]))  # app.use(cors()) to the top
    assert ("SEC002", 1) in new_rules(".")
    assert new_rules(".", "--baseline", "readylint-baseline.json") == []


def test_reindenting_and_reformatting_whitespace_keeps_old_findings_matched(
    project: Path,
) -> None:
    write_baseline()
    reindented = "\n".join(
        ("    " + line if line.strip() else line) for line in APP.splitlines()
    ).replace("{ sub: userId },", "{ sub: userId },   ")
    edit(project, "namespace Wrapped {\n" + reindented + "\n}\n")
    assert len(new_rules(".")) == 2
    assert new_rules(".", "--baseline", "readylint-baseline.json") == []


def test_a_second_copy_of_the_same_problem_is_new(project: Path) -> None:
    write_baseline()
    edit(project, APP + "\napp.use(cors());\n")
    assert new_rules(".", "--baseline", "readylint-baseline.json") == [("SEC002", 13)]
    # and so is the same problem written differently
    edit(project, APP + "\nconst admin = express();\nadmin.use(cors());\n")
    assert new_rules(".", "--baseline", "readylint-baseline.json") == [("SEC002", 14)]


def test_the_same_problem_in_a_new_file_is_new(project: Path) -> None:
    write_baseline()
    (project / "src" / "copy.ts").write_text(APP, encoding="utf-8")
    found = new_rules(".", "--baseline", "readylint-baseline.json")
    assert found == [("SEC002", 7), ("SEC003", 10)]
    _, document = check(".", "--baseline", "readylint-baseline.json")
    assert {f["path"] for f in document["findings"]} == {"src/copy.ts"}


def test_a_fixed_finding_disappears_from_the_baseline_on_rewrite(project: Path) -> None:
    first = write_baseline()
    assert len(first["findings"]) == 2
    edit(project, APP.replace("app.use(cors());", "app.use(cors({ origin: ['https://a.io'] }));"))
    second = write_baseline()
    assert [r["rule"] for r in second["findings"]] == ["SEC003"]
    assert second["findings"][0]["fingerprint"] in {r["fingerprint"] for r in first["findings"]}
    # the old problem, brought back, is new against the rewritten baseline
    edit(project, APP)
    assert new_rules(".", "--baseline", "readylint-baseline.json") == [("SEC002", 7)]


def test_paths_are_relative_to_the_project_root_from_any_directory(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_baseline(".", "readylint-baseline.json")
    monkeypatch.chdir(project / "src")
    assert new_rules(".", "--baseline", "../readylint-baseline.json") == []
    assert new_rules("app.ts", "--baseline", "../readylint-baseline.json") == []
    document = write_baseline(".", "../from-src.json")
    assert {r["path"] for r in document["findings"]} == {"src/app.ts"}


def test_suppressed_findings_are_not_recorded_and_stay_in_sarif(project: Path) -> None:
    edit(
        project,
        APP.replace("app.use(cors());", "app.use(cors()); // readylint-disable-line SEC002"),
    )
    document = write_baseline()
    assert [r["rule"] for r in document["findings"]] == ["SEC003"]
    result = CliRunner().invoke(
        main, ["check", ".", "--format", "sarif", "--baseline", "readylint-baseline.json"]
    )
    assert result.exit_code == 0, result.output
    results = json.loads(result.stdout)["runs"][0]["results"]
    assert [(r["ruleId"], "suppressions" in r) for r in results] == [("SEC002", True)]


def test_writing_and_reading_together_rewrites_the_baseline(project: Path) -> None:
    write_baseline()
    (project / "src" / "copy.ts").write_text(APP, encoding="utf-8")
    result = CliRunner().invoke(
        main,
        [
            "check",
            ".",
            "--baseline",
            "readylint-baseline.json",
            "--write-baseline",
            "readylint-baseline.json",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(Path("readylint-baseline.json").read_text(encoding="utf-8"))["findings"]
    assert len(rows) == 4


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "baseline file not found"),
        ("{not json", "not valid JSON"),
        ('{"version": 2, "findings": []}', "not a readylint baseline"),
        ('{"version": 1, "findings": {}}', "'findings' must be a list"),
        ('{"version": 1, "findings": [{"rule": "SEC002"}]}', "no 'fingerprint'"),
    ],
)
def test_a_bad_baseline_is_a_one_line_usage_error(
    project: Path, content: str | None, reason: str
) -> None:
    if content is not None:
        Path("bad.json").write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", ".", "--baseline", "bad.json"])
    assert result.exit_code == 2
    assert reason in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_project_rule_findings_are_baselined_like_file_findings(project: Path) -> None:
    Path("readylint.toml").write_text('select = ["SEC002", "INF001"]\n', encoding="utf-8")
    assert sorted(new_rules(".")) == [("INF001", 5), ("SEC002", 7)]  # no readiness route
    write_baseline()
    edit(project, "// entry point\n\n" + APP)
    assert new_rules(".", "--baseline", "readylint-baseline.json") == []
    # a second application without a readiness route is a new problem
    (project / "src" / "admin.ts").write_text(
        "import express from 'express';\nconst admin = express();\nadmin.listen(4000);\n",
        encoding="utf-8",
    )
    assert new_rules(".", "--baseline", "readylint-baseline.json") == [("INF001", 2)]


def _finding(line: int, fingerprint: str, suppressed: bool = False) -> Finding:
    return Finding(
        rule="SEC002",
        level=Level.ERROR,
        path="a.ts",
        span=Span(line, 1, 1, line, 2, 2),
        message="m",
        fingerprint=fingerprint,
        suppressed=suppressed,
    )


def test_matching_is_a_multiset() -> None:
    findings = [_finding(1, "aa"), _finding(2, "aa"), _finding(3, "aa"), _finding(4, "bb")]
    kept, absorbed = new_findings(findings, Counter({"aa": 2, "zz": 5}))
    assert absorbed == 2
    assert [(f.span.line, f.fingerprint) for f in kept] == [(3, "aa"), (4, "bb")]


def test_suppressed_findings_do_not_use_up_baseline_entries() -> None:
    findings = [_finding(1, "aa", suppressed=True), _finding(2, "aa")]
    kept, absorbed = new_findings(findings, Counter({"aa": 1}))
    assert absorbed == 1 and [f.suppressed for f in kept] == [True]

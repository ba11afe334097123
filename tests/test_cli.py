"""The command line: exit codes, formats, selection, rules and explain."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from readylint.cli import main

# routers, not applications: the project rules stay out of these tests
OPEN_CORS = "import cors from 'cors';\nimport { Router } from 'express';\nconst app = Router();\napp.use(cors());\n"
CLEAN = "import cors from 'cors';\nconst app = require('express').Router();\napp.use(cors({ origin: ['https://app.example.com'] }));\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "open.ts").write_text(OPEN_CORS, encoding="utf-8")
    (tmp_path / "src" / "clean.ts").write_text(CLEAN, encoding="utf-8")
    return tmp_path


def invoke(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed entry point as a user would (real exit codes, real stderr)."""
    return subprocess.run(
        [sys.executable, "-m", "readylint", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )


def test_exit_1_on_open_cors_and_0_on_clean(project: Path) -> None:
    bad = invoke("check", str(project / "src" / "open.ts"))
    assert bad.returncode == 1, bad.stderr
    assert "SEC002" in bad.stdout and "open.ts:4:9:" in bad.stdout
    assert "app.use(cors());" in bad.stdout and "^^^^^^" in bad.stdout
    assert "Found 1 finding (1 error) in 1 file." in bad.stdout
    good = invoke("check", str(project / "src" / "clean.ts"))
    assert good.returncode == 0, good.stdout + good.stderr
    assert "No findings in 1 file." in good.stdout


def test_exit_2_on_bad_config_with_one_line_reason(project: Path) -> None:
    (project / "readylint.toml").write_text('select = ["SEC002"]\nbogus = 1\n', encoding="utf-8")
    result = invoke("check", str(project / "src"))
    assert result.returncode == 2
    assert "readylint.toml" in result.stderr and "bogus" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_exit_2_on_unknown_code_and_missing_explain() -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["check", "--select", "XYZ"]).exit_code == 2
    assert runner.invoke(main, ["explain", "XYZ999"]).exit_code == 2


def test_fail_on_and_select_ignore(project: Path) -> None:
    runner = CliRunner()
    target = str(project / "src")
    assert runner.invoke(main, ["check", target, "--fail-on", "never"]).exit_code == 0
    assert runner.invoke(main, ["check", target, "--ignore", "SEC002"]).exit_code == 0
    assert runner.invoke(main, ["check", target, "--select", "SEC003"]).exit_code == 0
    assert runner.invoke(main, ["check", target, "--select", "SEC"]).exit_code == 1
    (project / "readylint.toml").write_text('[levels]\nSEC002 = "warning"\n', encoding="utf-8")
    assert runner.invoke(main, ["check", target]).exit_code == 0
    assert runner.invoke(main, ["check", target, "--fail-on", "warning"]).exit_code == 1


def test_json_output_is_versioned_and_relative_to_the_project_root(project: Path) -> None:
    result = CliRunner().invoke(main, ["check", str(project / "src"), "--format", "json"])
    data = json.loads(result.output)
    assert data["version"] == 1 and data["tool"]["name"] == "readylint"
    [finding] = data["findings"]
    assert finding["rule"] == "SEC002" and finding["name"] == "open-cors"
    assert (finding["line"], finding["column"], finding["endColumn"]) == (4, 9, 15)
    assert not finding["path"].startswith("/")
    assert finding["path"].endswith("src/open.ts")
    assert len(finding["fingerprint"]) == 32
    assert data["summary"]["byLevel"] == {"error": 1, "warning": 0, "note": 0}


def test_paths_are_the_same_from_a_subdirectory(project: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    from_root = invoke("check", "src", "--format", "json", cwd=project)
    from_sub = invoke("check", ".", "--format", "json", cwd=project / "src")
    a = json.loads(from_root.stdout)["findings"]
    b = json.loads(from_sub.stdout)["findings"]
    assert [f["path"] for f in a] == [f["path"] for f in b] == ["src/open.ts"]
    assert [f["fingerprint"] for f in a] == [f["fingerprint"] for f in b]


def test_output_file_and_github_format(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "result.txt"
    result = CliRunner().invoke(
        main, ["check", str(project / "src"), "--format", "github", "-o", str(out)]
    )
    assert result.exit_code == 1
    line = out.read_text(encoding="utf-8").splitlines()[0]
    assert line.startswith("::error file=")
    assert ",line=4,endLine=4,col=9,endColumn=15,title=SEC002 open-cors::cors() is called" in line


def test_rules_and_explain() -> None:
    runner = CliRunner()
    listing = runner.invoke(main, ["rules"])
    assert listing.exit_code == 0 and "SEC002" in listing.output and "open-cors" in listing.output
    rows = json.loads(runner.invoke(main, ["rules", "--format", "json"]).output)
    assert {
        "code": "SEC002",
        "name": "open-cors",
        "angle": "security",
        "level": "error",
    }.items() <= rows[[r["code"] for r in rows].index("SEC002")].items()
    explained = runner.invoke(main, ["explain", "sec002"])
    assert explained.exit_code == 0 and explained.output.startswith("# SEC002 open-cors")


def test_version() -> None:
    from readylint import __version__

    result = CliRunner().invoke(main, ["--version"])
    assert __version__ in result.output

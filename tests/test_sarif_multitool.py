"""GitHub code scanning: our SARIF through Microsoft's SARIF validator with GitHub's
ingestion rules, ``--format github`` annotations, and the composite action.

The validator is ``Sarif.Multitool`` from the npm package
``@microsoft/sarif-multitool`` (its Linux binary ships inside the package);
``.ci/run`` installs it into ``.ci-tools/``. ``validate --rule-kind "Ghas;Sarif"``
applies the SARIF rules and the GitHub Advanced Security (GHxxxx) rules; it exits
0 even when it finds errors, so the tests read its output log. (The JSON schema
checks, against both the OASIS schema and the copy GitHub's upload action uses,
are in test_sarif.py.)
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from readylint.cli import main

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "ticketing-api"
TOOL = REPO / ".ci-tools" / "node_modules" / "@microsoft" / "sarif-multitool-linux"
INSTALL = "npm install --prefix .ci-tools @microsoft/sarif-multitool (what .ci/run does)"
TIMEOUT = 300


@pytest.fixture(scope="module")
def multitool() -> Path:
    """The validator's binary; CI must have it, elsewhere a missing one skips."""
    configured = os.environ.get("SARIF_MULTITOOL")
    binary = Path(configured) if configured else TOOL / "Sarif.Multitool"
    if not binary.is_file():
        reason = f"Sarif.Multitool not found at {binary}; {INSTALL}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    if sys.platform != "linux" or platform.machine() not in ("x86_64", "AMD64", "aarch64"):
        pytest.skip("the npm package's binary is for Linux")
    if not os.access(binary, os.X_OK):  # npm may skip the package's postinstall chmod
        binary.chmod(binary.stat().st_mode | stat.S_IXUSR)
    return binary


def validate(multitool: Path, sarif: Path, tmp_path: Path) -> list[dict]:
    """Run the validator with GitHub's rules; its results (problems found in ``sarif``)."""
    out = tmp_path / (sarif.stem + ".validation.sarif")
    env = {
        **os.environ,
        "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT": "1",  # no ICU needed on a bare machine
        "DOTNET_CLI_TELEMETRY_OPTOUT": "1",
    }
    completed = subprocess.run(
        [str(multitool), "validate", str(sarif), "-o", str(out), "--rule-kind", "Ghas;Sarif"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=env,
        check=False,
    )
    assert out.is_file(), completed.stdout + completed.stderr
    log = json.loads(out.read_text(encoding="utf-8-sig"))
    run = log["runs"][0]
    assert all(i.get("executionSuccessful") for i in run.get("invocations", [])), run
    return run.get("results", [])


def blocking(results: list[dict]) -> list[str]:
    """Error-level results and every GitHub (GHxxxx) rule's result."""
    return [
        f"{r['ruleId']} {r.get('level', 'warning')}: {json.dumps(r.get('message'))[:300]}"
        for r in results
        if r.get("level", "warning") == "error" or r["ruleId"].startswith("GH")
    ]


def write_sarif(tmp_path: Path, name: str, *args: str) -> Path:
    target = tmp_path / name
    result = CliRunner().invoke(main, ["check", *args, "--format", "sarif", "-o", str(target)])
    assert result.exit_code in (0, 1), result.output
    return target


def test_example_sarif_passes_githubs_ingestion_rules(multitool: Path, tmp_path: Path) -> None:
    sarif = write_sarif(tmp_path, "example.sarif", str(EXAMPLE), "--category", "readylint")
    run = json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]
    assert len(run["results"]) >= 3 and run["automationDetails"]["id"] == "readylint/"
    assert blocking(validate(multitool, sarif, tmp_path)) == []


def test_awkward_projects_pass_too(multitool: Path, tmp_path: Path) -> None:
    """Spaces and '#' in paths, suppressions, unreadable files, related locations,
    secrets and non-ASCII text."""
    folder = tmp_path / "my app #2" / "src"
    folder.mkdir(parents=True)
    (folder / "serv er.js").write_text(
        "const cors = require('cors');\nconst app = require('express')();\n"
        "app.use(cors()); // readylint-disable-line SEC002 -- internal tool\n"
        "app.use('/api', cors()); // 😀 ünïcode\n",
        encoding="utf-8",
    )
    (folder / "auth.ts").write_text(
        "import jwt from 'jsonwebtoken';\n"
        "const JWT_SECRET = process.env.JWT_SECRET || 'dev-secret-do-not-ship-1234';\n"
        "export const sign = (sub: string) => jwt.sign({ sub }, JWT_SECRET);\n",
        encoding="utf-8",
    )
    (folder / "broken.js").write_bytes(b"const a = '\xfa\x80 not utf8';\n")
    (folder / "half.ts").write_text("app.use(cors(\n", encoding="utf-8")
    sarif = write_sarif(tmp_path, "awkward.sarif", str(tmp_path / "my app #2"), "--category", "api")
    document = json.loads(sarif.read_text(encoding="utf-8"))
    run = document["runs"][0]
    assert any("suppressions" in r for r in run["results"])
    assert run["invocations"][0]["toolExecutionNotifications"]
    assert "dev-secret-do-not-ship-1234" not in sarif.read_text(encoding="utf-8")
    assert blocking(validate(multitool, sarif, tmp_path)) == []


def test_the_validator_does_apply_githubs_rules(multitool: Path, tmp_path: Path) -> None:
    """A control: the same log with a result stripped of its location must fail,
    or the two tests above would prove nothing."""
    sarif = write_sarif(tmp_path, "example.sarif", str(EXAMPLE))
    document = json.loads(sarif.read_text(encoding="utf-8"))
    del document["runs"][0]["results"][0]["locations"]
    broken = tmp_path / "broken.sarif"
    broken.write_text(json.dumps(document), encoding="utf-8")
    problems = blocking(validate(multitool, broken, tmp_path))
    assert any(p.startswith("GH") and " error:" in p for p in problems), problems


def test_category_sets_automation_details(tmp_path: Path) -> None:
    for category, expected in (("api", "api/"), ("services/web/", "services/web/")):
        sarif = write_sarif(tmp_path, "c.sarif", str(EXAMPLE), "--category", category)
        run = json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]
        assert run["automationDetails"]["id"] == expected
    sarif = write_sarif(tmp_path, "c.sarif", str(EXAMPLE))
    assert "automationDetails" not in json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]


def test_github_format_writes_one_workflow_command_per_finding() -> None:
    runner = CliRunner()
    findings = json.loads(runner.invoke(main, ["check", str(EXAMPLE), "--format", "json"]).stdout)[
        "findings"
    ]
    output = runner.invoke(main, ["check", str(EXAMPLE), "--format", "github"]).stdout
    commands = [
        line
        for line in output.splitlines()
        if line.startswith(("::error ", "::warning ", "::notice "))
    ]
    located = [c for c in commands if " file=" in c and ",line=" in c]
    assert len(located) >= len(findings) >= 3
    for finding in findings:
        kind = {"error": "error", "warning": "warning", "note": "notice"}[finding["level"]]
        prefix = f"::{kind} file={finding['path']},line={finding['line']},"
        assert any(c.startswith(prefix) and finding["rule"] in c for c in commands), prefix


# -- the composite action ---------------------------------------------------------


def action() -> dict:
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))


def step(name: str) -> dict:
    return next(s for s in action()["runs"]["steps"] if s.get("name") == name)


def test_action_is_a_composite_that_installs_runs_and_uploads() -> None:
    spec = action()
    assert spec["runs"]["using"] == "composite"
    uses = [s.get("uses", "") for s in spec["runs"]["steps"]]
    assert any(u.startswith("actions/setup-python@") for u in uses)
    assert "github/codeql-action/upload-sarif@v3" in uses
    assert '"$GITHUB_ACTION_PATH"' in step("Install readylint")["run"]
    upload = step("Upload SARIF to code scanning")
    assert upload["with"]["sarif_file"] == "${{ steps.lint.outputs.sarif-file }}"
    assert set(spec["inputs"]) >= {"path", "category", "fail-on", "args", "sarif-file", "upload"}
    # inputs reach the script through the environment only (no ${{ }} in the script)
    assert "${{" not in step("Run readylint")["run"]


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
@pytest.mark.parametrize(
    ("fail_on", "args", "code"),
    [("error", "", "1"), ("never", "", "0"), ("error", "--baseline BASELINE", "0")],
)
def test_the_actions_lint_step_writes_sarif_and_outputs(
    tmp_path: Path, fail_on: str, args: str, code: str
) -> None:
    """The lint step's script, run by bash as the runner would run it."""
    lint = step("Run readylint")
    assert lint["shell"] == "bash"
    script = tmp_path / "lint.sh"
    script.write_text(lint["run"], encoding="utf-8")
    outputs = tmp_path / "github_output"
    outputs.write_text("", encoding="utf-8")
    sarif = tmp_path / "out dir" / "readylint.sarif"
    readylint = Path(sys.executable).parent / "readylint"
    if not readylint.exists():
        pytest.skip("the readylint console script is not installed beside this Python")
    if "BASELINE" in args:  # every finding known: the job passes
        baseline = tmp_path / "baseline.json"
        written = CliRunner().invoke(
            main, ["check", str(EXAMPLE), "--write-baseline", str(baseline)]
        )
        assert written.exit_code == 0, written.output
        args = args.replace("BASELINE", str(baseline))
    env = {
        **os.environ,
        "PATH": f"{readylint.parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "GITHUB_OUTPUT": str(outputs),
        "READYLINT_PATHS": "examples/ticketing-api",
        "READYLINT_CATEGORY": "readylint",
        "READYLINT_FAIL_ON": fail_on,
        "READYLINT_ARGS": args,
        "READYLINT_SARIF": str(sarif),
    }
    completed = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    lines = outputs.read_text(encoding="utf-8").splitlines()
    assert lines == [f"sarif-file={sarif}", f"exit-code={code}"]
    run = json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]
    assert run["automationDetails"]["id"] == "readylint/"
    assert all(
        not r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("/")
        for r in run["results"]
    )

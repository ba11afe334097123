"""Inline suppressions, end to end through the engine."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from readylint.cli import main

OPEN = "app.use(cors());"


def lint(tmp_path: Path, body: str, *extra: str) -> tuple[int, dict]:
    (tmp_path / "app.js").write_text("const cors = require('cors');\n" + body, encoding="utf-8")
    result = CliRunner().invoke(
        main, ["check", str(tmp_path / "app.js"), "--format", "json", *extra]
    )
    return result.exit_code, json.loads(result.output)


def test_disable_next_line(tmp_path: Path) -> None:
    code, out = lint(
        tmp_path, f"// readylint-disable-next-line SEC002 -- internal tool\n{OPEN}\n{OPEN}\n"
    )
    assert code == 1
    assert [f["line"] for f in out["findings"]] == [4]
    assert out["summary"]["suppressed"] == 1


def test_disable_line_and_prefix(tmp_path: Path) -> None:
    code, out = lint(tmp_path, f"{OPEN} // readylint-disable-line SEC\n")
    assert code == 0 and out["findings"] == []


def test_disable_file_and_blocks(tmp_path: Path) -> None:
    code, _ = lint(tmp_path, f"/* readylint-disable-file SEC002 */\n{OPEN}\n")
    assert code == 0
    body = f"// readylint-disable SEC002\n{OPEN}\n// readylint-enable SEC002\n{OPEN}\n"
    code, out = lint(tmp_path, body)
    assert [f["line"] for f in out["findings"]] == [5]


def test_disable_without_codes_is_ignored_with_a_notification(tmp_path: Path) -> None:
    code, out = lint(tmp_path, f"// readylint-disable-next-line\n{OPEN}\n")
    assert code == 1 and len(out["findings"]) == 1
    assert any("without rule codes" in n["message"] for n in out["notifications"])


def test_other_codes_do_not_suppress_and_unused_disables_are_reported(tmp_path: Path) -> None:
    _, out = lint(
        tmp_path,
        f"// readylint-disable-next-line SEC003\n{OPEN}\n",
        "--report-unused-disables",
    )
    assert len(out["findings"]) == 1
    assert any(n["rule"] == "unused-disable" for n in out["notifications"])


def test_suppressed_findings_stay_in_sarif_as_in_source(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_text(
        "const cors = require('cors');\n// readylint-disable-next-line SEC002 -- reviewed\n"
        f"{OPEN}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["check", str(tmp_path / "app.js"), "--format", "sarif"])
    assert result.exit_code == 0
    results = json.loads(result.output)["runs"][0]["results"]
    assert results[0]["suppressions"] == [{"kind": "inSource", "justification": "reviewed"}]

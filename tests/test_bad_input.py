"""Nothing a repository contains crashes a run, loses findings, or moves positions.

Each hostile file is put beside a good file with a known finding; the run must
finish with the exit code it would have had without the hostile file, keep the
good file's finding, and say in a notification (text, JSON, SARIF) what it could
not read, decode or parse. Valid but unusual files are linted normally.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from readylint import engine
from readylint.cli import main
from readylint.config import Config
from readylint.engine import Rule, run, select_rules
from readylint.findings import Level

GOOD = "const cors = require('cors');\nmodule.exports = cors();\n"  # SEC002 at 2:18


def make_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    (project / "good.js").write_text(GOOD, encoding="utf-8")
    return project


def check(project: Path, *args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(
        main, ["check", str(project), "--format", "json", "--no-cache", "--jobs", "1", *args]
    )
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.output)


def good_finding_kept(data: dict) -> bool:
    return any(
        f["rule"] == "SEC002"
        and f["path"].endswith("good.js")
        and (f["line"], f["column"]) == (2, 18)
        for f in data["findings"]
    )


def notes_for(data: dict, name: str) -> list[str]:
    return [n["message"] for n in data["notifications"] if n["path"].endswith(name)]


def deep(open_: str, close: str, depth: int = 10_000, inner: str = "1") -> bytes:
    return f"const x = {open_ * depth}{inner}{close * depth};\n".encode()


def callbacks(depth: int = 10_000) -> bytes:
    return ("f(() => " * depth + "0" + ")" * depth + ";\n").encode()


HOSTILE_NEEDS_NOTE: dict[str, Callable[[], bytes]] = {
    "random.js": lambda: random.Random(7).randbytes(4096),
    "latin1.ts": lambda: "const s = 'caf\xe9';\n".encode("latin-1"),
    "nul.js": lambda: b"const a = 1;\x00\x00\x00 cors(\x00);\n",
    "unterminated.js": lambda: b"const s = 'abc\nconst t = `x ${\n",
}
UNUSUAL_LINTED_NORMALLY: dict[str, Callable[[], bytes]] = {
    "empty.js": lambda: b"",
    "bom.ts": lambda: b"\xef\xbb\xbf" + GOOD.encode(),
    "deep-parens.js": lambda: deep("(", ")"),
    "deep-arrays.js": lambda: deep("[", "]"),
    "deep-callbacks.js": callbacks,
    "many-lines.js": lambda: b"x;\n" * 100_000,
    "typescript.js": lambda: (
        b"const n: number = 1;\ninterface A { b: string }\nexport default n;\n"
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_NEEDS_NOTE))
def test_unreadable_content_gets_a_notification_and_the_run_goes_on(
    tmp_path: Path, name: str
) -> None:
    project = make_project(tmp_path)
    (project / name).write_bytes(HOSTILE_NEEDS_NOTE[name]())
    code, data = check(project)
    assert code == 1 and good_finding_kept(data)
    assert notes_for(data, name), f"{name} should be reported as not (fully) read"


@pytest.mark.parametrize("name", sorted(UNUSUAL_LINTED_NORMALLY))
def test_unusual_but_valid_files_are_linted_without_notification(tmp_path: Path, name: str) -> None:
    project = make_project(tmp_path)
    (project / name).write_bytes(UNUSUAL_LINTED_NORMALLY[name]())
    code, data = check(project)
    assert code == 1 and good_finding_kept(data)
    assert notes_for(data, name) == []
    if name == "bom.ts":
        [finding] = [f for f in data["findings"] if f["path"].endswith("bom.ts")]
        assert (finding["line"], finding["column"]) == (2, 18)


@pytest.mark.parametrize(
    ("name", "data", "line", "column", "column16"),
    [
        ("crlf.js", GOOD.replace("\n", "\r\n").encode(), 2, 18, 18),
        ("lone-cr.js", GOOD.replace("\n", "\r").encode(), 2, 18, 18),
        ("astral.js", "const cors = require('cors');\n/*😀*/ cors();\n".encode(), 2, 7, 8),
        ("utf16.js", b"\xff\xfe" + GOOD.encode("utf-16-le"), 2, 18, 18),
    ],
)
def test_line_endings_and_encodings_keep_positions(
    tmp_path: Path, name: str, data: bytes, line: int, column: int, column16: int
) -> None:
    target = tmp_path / name
    target.write_bytes(data)
    result = CliRunner().invoke(main, ["check", str(target), "--format", "json", "--no-cache"])
    [finding] = json.loads(result.output)["findings"]
    assert (finding["line"], finding["column"]) == (line, column)
    sarif = CliRunner().invoke(main, ["check", str(target), "--format", "sarif", "--no-cache"])
    region = json.loads(sarif.output)["runs"][0]["results"][0]["locations"][0]["physicalLocation"][
        "region"
    ]
    assert (region["startLine"], region["startColumn"]) == (line, column16)


def test_big_minified_bundle_is_skipped_with_a_note_or_linted_when_allowed(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    chunk = b"function a(b){return b+1}var c=[1,2,3].map(a),d={k:'v',n:c};if(d.n)console.log(d.k);"
    (project / "bundle.js").write_bytes(chunk * (10 * 1024 * 1024 // len(chunk)))  # one 10 MB line
    code, data = check(project)
    assert code == 1 and good_finding_kept(data)
    assert any("max-file-size" in m for m in notes_for(data, "bundle.js"))
    # a big single-line file under the limit is linted normally
    (project / "bundle.js").write_bytes(chunk * (1536 * 1024 // len(chunk)))
    code, data = check(project)
    assert code == 1 and good_finding_kept(data) and notes_for(data, "bundle.js") == []


def test_directory_named_like_a_source_file_and_symlink_loop(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    (project / "x.ts").mkdir()
    (project / "x.ts" / "inner.js").write_text(GOOD, encoding="utf-8")
    os.symlink(project, project / "loop")
    code, data = check(project)
    assert code == 1 and good_finding_kept(data)
    assert sum(1 for f in data["findings"] if f["rule"] == "SEC002") == 2


def test_unreadable_and_vanished_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project(tmp_path)
    locked = project / "locked.js"
    locked.write_text(GOOD, encoding="utf-8")
    locked.chmod(0)
    vanishing = project / "vanishing.js"
    vanishing.write_text(GOOD, encoding="utf-8")

    open_source = engine._open_source

    def read_only_open(path: str) -> int:
        name = os.path.basename(path)
        if name == "locked.js":  # root can read mode-000 files: deny it here
            raise PermissionError(13, "Permission denied")
        if name == "vanishing.js":  # deleted between discovery and read
            Path(path).unlink(missing_ok=True)
        return open_source(path)

    monkeypatch.setattr(engine, "_open_source", read_only_open)
    code, data = check(project)
    assert code == 1 and good_finding_kept(data)
    assert any("Permission denied" in m for m in notes_for(data, "locked.js"))
    assert any("cannot read" in m for m in notes_for(data, "vanishing.js"))
    sarif = CliRunner().invoke(
        main, ["check", str(project), "--format", "sarif", "--no-cache", "--jobs", "1"]
    )
    notes = json.loads(sarif.output)["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert any("locked.js" in n["message"]["text"] for n in notes)
    text = CliRunner().invoke(main, ["check", str(project), "--no-cache", "--jobs", "1"])
    assert "locked.js: cannot read file: Permission denied" in text.output


class ExplodingRule(Rule):
    code = "SEC999"
    name = "exploding"
    angle = "security"
    level = Level.ERROR
    summary = "raises on purpose"
    captures = ("call",)

    def check(self, ctx):  # type: ignore[no-untyped-def]
        if ctx.source.path.endswith("boom.js"):
            raise RuntimeError("kaboom")
        return iter(())


def test_a_rule_that_raises_is_a_notification_and_others_go_on(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    (project / "boom.js").write_text(GOOD, encoding="utf-8")
    config = Config()
    result = run([project], config, [*select_rules(config), ExplodingRule()], jobs=1)
    crash = [n for n in result.notifications if n.rule == "SEC999"]
    assert len(crash) == 1 and crash[0].path.endswith("boom.js") and "kaboom" in crash[0].message
    assert sum(1 for f in result.findings if f.rule == "SEC002") == 2  # boom.js kept its finding


def test_findings_always_lie_inside_the_file(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    (project / "typescript.js").write_bytes(UNUSUAL_LINTED_NORMALLY["typescript.js"]())
    config = Config()
    result = run([project], config, select_rules(config), jobs=1)
    for finding in result.findings:
        lines = (result.project_root / finding.path).read_text(encoding="utf-8").splitlines()
        assert 1 <= finding.span.line <= finding.span.end_line <= len(lines)
        assert (
            finding.span.col >= 1
            and finding.span.end_col <= len(lines[finding.span.end_line - 1]) + 1
        )


def test_findings_from_unknown_exit_code(tmp_path: Path) -> None:
    """The hostile files change nothing about the exit code a clean project gets."""
    project = tmp_path / "clean"
    project.mkdir()
    (project / "ok.js").write_text("module.exports = 1;\n", encoding="utf-8")
    for name, make in {**HOSTILE_NEEDS_NOTE, **UNUSUAL_LINTED_NORMALLY}.items():
        data = make()
        (project / name).write_bytes(data.replace(GOOD.encode(), b"module.exports = 2;\n"))
    code, data = check(project)
    assert code == 0, data["findings"]


def test_a_parse_that_runs_too_long_is_cancelled_with_a_notification(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from readylint import parsing

    project = make_project(tmp_path)
    (project / "slow.js").write_bytes(b"const x = (" * 20_000 + b"1" + b")" * 20_000 + b";\n")
    monkeypatch.setattr(parsing, "parse_budget", lambda size: 0.0 if size > 100_000 else 10.0)
    code, data = check(project)
    assert code == 1 and good_finding_kept(data)
    assert any("parsing took longer" in m for m in notes_for(data, "slow.js"))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need POSIX")
def test_a_named_pipe_named_like_a_source_file_is_skipped_not_waited_on(tmp_path: Path) -> None:
    """Reading a FIFO blocks until something writes to it: the run must not wait."""
    project = make_project(tmp_path)
    os.mkfifo(project / "pipe.js")
    code, data = check(project)
    assert code == 1 and good_finding_kept(data)
    assert notes_for(data, "pipe.js") == ["skipped: not a regular file"]


@pytest.mark.parametrize("stated_size", [0, 4, 10, 20])
def test_a_file_that_changed_size_after_stat_is_read_to_its_end(stated_size: int) -> None:
    """The read trusts fstat's size only when it gets exactly that many bytes."""
    reader, writer = os.pipe()
    os.write(writer, b"0123456789")
    os.close(writer)
    try:
        assert engine._read_all(reader, stated_size) == b"0123456789"
    finally:
        os.close(reader)


def test_a_test_file_with_a_syntax_error_gets_its_note_though_no_rule_has_work_there(
    tmp_path: Path,
) -> None:
    """Files are parsed for their syntax note even where no rule has anything to do."""
    project = make_project(tmp_path)
    (project / "test").mkdir()
    (project / "test" / "broken.spec.js").write_text("const a = (1, ;\n", encoding="utf-8")
    code, data = check(project)
    assert code == 1 and good_finding_kept(data)
    assert notes_for(data, "broken.spec.js") == [
        "syntax errors: the file was only partly parsed; findings may be incomplete"
    ]

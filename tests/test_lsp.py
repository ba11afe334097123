"""``readylint lsp`` driven by a real LSP client over stdio (pytest-lsp / pygls).

The client announces the capabilities of real editors (VS Code, Neovim 0.11,
Emacs 29), so the three position encodings LSP knows (UTF-16, UTF-8, UTF-32)
are each exercised end to end.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

pytest.importorskip("pygls", reason="the 'lsp' extra (pygls) is not installed")
pytest_lsp = pytest.importorskip("pytest_lsp", reason="pytest-lsp is not installed")

from lsprotocol import types  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402

from readylint.lsp import disable_edit, split_lines, units  # noqa: E402

TIMEOUT = 30.0  # seconds for any one answer from the server
QUIET = 1.0  # how long "no more diagnostics" is waited for

OPEN_CORS = """\
import cors from 'cors';
import express from 'express';

const app = express();
const banner = '🚀 tickets'; app.use(cors());
app.listen(3000);
"""
CLIENTS = {
    "visual-studio-code": types.PositionEncodingKind.Utf16,
    "neovim@v0.11.0": types.PositionEncodingKind.Utf8,
    "emacs@v29.1": types.PositionEncodingKind.Utf32,
}

# the three encodings are covered by the first test; the others use one client
VSCODE_ONLY = pytest.mark.parametrize("client", ["visual-studio-code"], indirect=True)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "src").mkdir()
    # the rules these tests are about; others would add findings of their own
    (tmp_path / "readylint.toml").write_text('select = ["SEC002"]\n', encoding="utf-8")
    return tmp_path


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "readylint", "lsp"]),
    params=list(CLIENTS),
)
async def client(lsp_client: LanguageClient, request: pytest.FixtureRequest, project: Path):
    params = types.InitializeParams(
        capabilities=client_capabilities(request.param),
        root_uri=project.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=project.as_uri(), name="project")],
    )
    result = await asyncio.wait_for(lsp_client.initialize_session(params), TIMEOUT)
    lsp_client.encoding = result.capabilities.position_encoding  # type: ignore[attr-defined]
    lsp_client.expected_encoding = CLIENTS[request.param]  # type: ignore[attr-defined]
    yield
    await asyncio.wait_for(lsp_client.shutdown_session(), TIMEOUT)


async def next_diagnostics(client: LanguageClient, uri: str) -> list[types.Diagnostic]:
    """The diagnostics of the next publishDiagnostics for ``uri`` not read yet (the
    client keeps the latest per document; reading one removes it)."""
    while uri not in client.diagnostics:
        await asyncio.wait_for(
            client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), TIMEOUT
        )
    return list(client.diagnostics.pop(uri))


async def diagnostics_until(
    client: LanguageClient, uri: str, codes: list[str]
) -> list[types.Diagnostic]:
    """Diagnostics for ``uri`` as they come, until their codes are ``codes``."""
    seen: list[list[str]] = []

    async def wait() -> list[types.Diagnostic]:
        while True:
            diagnostics = await next_diagnostics(client, uri)
            seen.append([str(d.code) for d in diagnostics])
            if seen[-1] == codes:
                return diagnostics

    try:
        return await asyncio.wait_for(wait(), TIMEOUT)
    except TimeoutError:
        raise AssertionError(f"never got {codes}; got {seen}") from None


async def no_more_diagnostics(client: LanguageClient, uri: str) -> bool:
    try:
        await asyncio.wait_for(next_diagnostics(client, uri), QUIET)
    except TimeoutError:
        return True
    return False


def open_file(client: LanguageClient, path: Path, text: str, version: int = 1) -> str:
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="typescript", version=version, text=text
            )
        )
    )
    return uri


def change(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def offset(text: str, position: types.Position, encoding: str) -> int:
    """The string index of an LSP position, in the given encoding."""
    lines = text.splitlines(keepends=True)
    start = sum(len(line) for line in lines[: position.line])
    line = lines[position.line] if position.line < len(lines) else ""
    count = 0
    for index, char in enumerate(line):
        if count >= position.character:
            return start + index
        count += units(char, encoding)
    return start + len(line)


def apply_edits(text: str, edits: list[types.TextEdit], encoding: str) -> str:
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character))[::-1]:
        a = offset(text, edit.range.start, encoding)
        b = offset(text, edit.range.end, encoding)
        text = text[:a] + edit.new_text + text[b:]
    return text


@pytest.mark.asyncio
async def test_open_cors_diagnostic_code_action_then_clean(
    client: LanguageClient, project: Path
) -> None:
    encoding = client.encoding  # type: ignore[attr-defined]
    assert encoding == client.expected_encoding  # type: ignore[attr-defined]
    uri = open_file(client, project / "src" / "app.ts", OPEN_CORS)

    diagnostics = await next_diagnostics(client, uri)
    assert len(diagnostics) == 1
    diagnostic = diagnostics[0]
    assert diagnostic.code == "SEC002" and diagnostic.source == "readylint"
    assert diagnostic.severity == types.DiagnosticSeverity.Error
    assert "cors()" in diagnostic.message
    # the range covers `cors()` after an emoji: 2 UTF-16 units, 4 UTF-8 bytes, 1 code point
    line = OPEN_CORS.splitlines()[4]
    start = line.index("cors()")
    expected = units(line[:start], encoding)
    assert diagnostic.range.start == types.Position(line=4, character=expected)
    assert diagnostic.range.end == types.Position(line=4, character=expected + 6)
    assert {"utf-16": 37, "utf-8": 39, "utf-32": 36}[encoding] == expected
    # the link opens the rule's doc
    assert diagnostic.code_description is not None
    doc = Path(unquote(urlparse(diagnostic.code_description.href).path))
    assert doc.name == "SEC002-open-cors.md" and doc.read_text(encoding="utf-8").startswith(
        "# SEC002"
    )

    actions = await asyncio.wait_for(
        client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=diagnostic.range,
                context=types.CodeActionContext(diagnostics=[diagnostic]),
            )
        ),
        TIMEOUT,
    )
    assert actions is not None and len(actions) == 1
    action = actions[0]
    assert isinstance(action, types.CodeAction)
    assert action.title == "Disable SEC002 for this line"
    assert action.kind == types.CodeActionKind.QuickFix
    assert action.edit is not None and action.edit.changes is not None
    fixed = apply_edits(OPEN_CORS, action.edit.changes[uri], encoding)
    assert fixed.splitlines()[4:6] == [
        "// readylint-disable-next-line SEC002",
        "const banner = '🚀 tickets'; app.use(cors());",
    ]

    change(client, uri, fixed, 2)
    assert await next_diagnostics(client, uri) == []


@pytest.mark.asyncio
@VSCODE_ONLY
async def test_changes_are_debounced_and_linted_from_memory(
    client: LanguageClient, project: Path
) -> None:
    clean = OPEN_CORS.replace("cors()", "cors({ origin: ['https://tickets.example.com'] })")
    uri = open_file(client, project / "src" / "app.ts", clean)
    assert await next_diagnostics(client, uri) == []
    # typing: five quick edits, never saved; one lint of the last text
    for version in range(2, 7):
        text = (
            clean + "\n" * version + "app.use(cors());\n"
            if version == 6
            else clean + "//" * version
        )
        change(client, uri, text, version)
    diagnostics = await next_diagnostics(client, uri)
    assert [(d.code, d.range.start.line) for d in diagnostics] == [("SEC002", 12)]
    assert await no_more_diagnostics(client, uri)
    assert "app.use(cors());\n" not in (project / "src" / "app.ts").read_text(encoding="utf-8")


def save(client: LanguageClient, uri: str) -> None:
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )


@pytest.mark.asyncio
@VSCODE_ONLY
async def test_save_runs_project_rules_and_reloads_the_config(
    client: LanguageClient, project: Path
) -> None:
    config = project / "readylint.toml"
    config.write_text('select = ["SEC002", "INF001"]\n', encoding="utf-8")
    uri = open_file(client, project / "src" / "app.ts", OPEN_CORS)
    # open and change: file rules only; INF001 (no readiness route) is a project rule
    assert [d.code for d in await next_diagnostics(client, uri)] == ["SEC002"]
    save(client, uri)
    both = await diagnostics_until(client, uri, ["INF001", "SEC002"])
    assert both[0].range.start.line == 3  # the express() call
    assert both[0].code_description is not None
    assert both[0].code_description.href.endswith("INF001-missing-readiness-probe.md")
    # project findings stay while the user types, until the next save
    change(client, uri, OPEN_CORS + "// more\n", 2)
    assert [d.code for d in await next_diagnostics(client, uri)] == ["INF001", "SEC002"]
    other = open_file(client, project / "src" / "admin.ts", "import cors from 'cors';\ncors();\n")
    assert [d.code for d in await next_diagnostics(client, other)] == ["SEC002"]
    # saving a config change takes effect in every open document
    config.write_text('select = ["SEC002", "INF001"]\nignore = ["SEC002"]\n', encoding="utf-8")
    save(client, uri)
    await diagnostics_until(client, uri, ["INF001"])
    await diagnostics_until(client, other, [])
    # and a fix on disk clears the project finding at the next save
    ready = OPEN_CORS + "app.get('/readyz', async (_req, res) => { res.send('ok'); });\n"
    (project / "src" / "app.ts").write_text(ready, encoding="utf-8")
    change(client, uri, ready, 3)
    save(client, uri)
    await diagnostics_until(client, uri, [])


@pytest.mark.asyncio
@VSCODE_ONLY
async def test_the_quick_fix_extends_a_disable_comment_already_above(
    client: LanguageClient, project: Path
) -> None:
    text = OPEN_CORS.replace(
        "const banner", "  // readylint-disable-next-line SEC003 -- reviewed\nconst banner"
    )
    uri = open_file(client, project / "src" / "app.ts", text)
    diagnostics = await next_diagnostics(client, uri)
    actions = await asyncio.wait_for(
        client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=diagnostics[0].range,
                context=types.CodeActionContext(diagnostics=diagnostics),
            )
        ),
        TIMEOUT,
    )
    assert actions and isinstance(actions[0], types.CodeAction)
    edit = actions[0].edit
    assert edit is not None and edit.changes is not None
    fixed = apply_edits(text, edit.changes[uri], client.encoding)  # type: ignore[attr-defined]
    assert "  // readylint-disable-next-line SEC003, SEC002 -- reviewed\n" in fixed
    change(client, uri, fixed, 2)
    assert await next_diagnostics(client, uri) == []


@pytest.mark.asyncio
@VSCODE_ONLY
async def test_closing_clears_and_other_files_are_left_alone(
    client: LanguageClient, project: Path
) -> None:
    uri = open_file(client, project / "src" / "app.ts", OPEN_CORS)
    assert len(await next_diagnostics(client, uri)) == 1
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert await next_diagnostics(client, uri) == []
    readme = open_file(client, project / "README.md", "app.use(cors());\n")
    assert await no_more_diagnostics(client, readme)


# -- the edits, without a client ------------------------------------------------


def test_disable_edit_keeps_indentation_line_endings_and_env_comments() -> None:
    text = "function f() {\r\n    app.use(cors());\r\n}\r\n"
    edit = disable_edit(text, 1, "SEC002", False, "utf-16")
    assert edit.range.start == types.Position(line=1, character=0) == edit.range.end
    assert edit.new_text == "    // readylint-disable-next-line SEC002\r\n"
    env = disable_edit("A=1\nJWT_SECRET=changeme\n", 1, "SEC003", True, "utf-16")
    assert env.new_text == "# readylint-disable-next-line SEC003\n"


def test_lines_split_as_lsp_counts_them() -> None:
    assert split_lines("a\r\nb\rc\nd\u2028e") == ["a", "b", "c", "d\u2028e"]
    assert [units("😀", e) for e in ("utf-8", "utf-16", "utf-32")] == [4, 2, 1]


def test_lsp_without_pygls_is_a_one_line_error_and_check_still_works(tmp_path: Path) -> None:
    (tmp_path / "a.js").write_text("const cors = require('cors');\ncors();\n", encoding="utf-8")
    script = (
        "import sys; sys.modules['pygls'] = None; sys.modules['lsprotocol'] = None\n"
        "from readylint.cli import main\n"
        "main(sys.argv[1:])\n"
    )
    lsp = subprocess.run(
        [sys.executable, "-c", script, "lsp"], capture_output=True, text=True, timeout=60
    )
    assert lsp.returncode == 2 and "pip install 'readylint[lsp]'" in lsp.stderr
    assert len(lsp.stderr.strip().splitlines()) == 1
    check = subprocess.run(
        [sys.executable, "-c", script, "check", str(tmp_path / "a.js"), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert check.returncode == 1, check.stderr
    assert [f["rule"] for f in json.loads(check.stdout)["findings"]] == ["SEC002"]

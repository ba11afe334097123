"""``readylint lsp``: a language server over stdio (pygls).

* open and change: the file rules run on the editor's in-memory text
  (``engine.lint_bytes``), debounced while the user types;
* save: ``readylint check`` runs on the whole workspace folder in a child
  process (every core, the cache) so project rules report too; their findings
  are kept per document and merged into later file-rule diagnostics until the
  next save;
* every diagnostic carries the rule code, a link to the rule's doc and the
  finding's range in the position encoding agreed with the client;
* a quick fix inserts ``// readylint-disable-next-line CODE`` above the line
  (``#`` in ``.env`` files), or adds the code to such a comment already there.

pygls is an optional dependency (the ``lsp`` extra): only ``readylint lsp``
imports this module. The in-memory lints run on one worker thread, off the
event loop and one at a time, because tree-sitter parsers are shared per process.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from readylint import __version__
from readylint.config import Config, ConfigError, load_config
from readylint.discovery import Candidate, discover, git_toplevel, is_lintable_name
from readylint.docs import docs_dir
from readylint.engine import Settings, build_settings, lint_bytes, select_rules
from readylint.findings import Finding, Level, Related, Span
from readylint.registry import rules_by_code

DEBOUNCE_SECONDS = 0.3
SOURCE = "readylint"
SEVERITY = {
    Level.ERROR: types.DiagnosticSeverity.Error,
    Level.WARNING: types.DiagnosticSeverity.Warning,
    Level.NOTE: types.DiagnosticSeverity.Information,
}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# a disable-next-line comment alone on its line: a new code is added to it, since a
# second comment between it and the flagged line would leave the first covering nothing
_NEXT_LINE_DIRECTIVE = re.compile(
    r"^\s*(?://|#|/\*)\s*readylint-disable-next-line(?P<codes>(?:[\s,]+[A-Za-z]{2,4}\d{0,3})+)"
)
T = TypeVar("T")


@dataclass
class Document:
    """What the server keeps about one open document."""

    uri: str
    absolute: Path
    workspace_root: Path
    candidate: Candidate | None  # None: not a file readylint lints, or excluded
    version: int | None = None
    file_findings: list[Finding] = field(default_factory=list)
    project_findings: list[Finding] = field(default_factory=list)
    pending: asyncio.TimerHandle | None = None


@cache
def doc_href(code: str) -> str | None:
    """A link to the rule's Markdown doc as installed (works offline, matches the version)."""
    folder = docs_dir()
    for path in sorted(folder.glob(f"{code}-*.md")) if folder.is_dir() else ():
        return path.resolve().as_uri()
    return None


def finding_from_json(row: dict[str, Any]) -> Finding:
    """A finding of ``readylint check --format json``. Columns count characters;
    ``to_range`` converts them to the client's units from the document's text."""

    def span(line: int, column: int, end_line: int, end_column: int) -> Span:
        return Span(line, column, column, end_line, end_column, end_column)

    return Finding(
        rule=row["rule"],
        level=Level.parse(row["level"]),
        path=row["path"],
        span=span(row["line"], row["column"], row["endLine"], row["endColumn"]),
        message=row["message"],
        fingerprint=row.get("fingerprint", ""),
        related=tuple(
            Related(span(r["line"], r["column"], r["line"], r["column"]), r["message"])
            for r in row.get("related", ())
        ),
    )


def split_lines(text: str) -> list[str]:
    """Lines as LSP counts them: split at CRLF, CR and LF only."""
    return _LINE_BREAK.split(text)


def units(text: str, encoding: str) -> int:
    """Length of ``text`` in the client's position units."""
    if encoding == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8", "surrogatepass"))
    if encoding == types.PositionEncodingKind.Utf32:
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _character(lines: list[str], line: int, column: int, encoding: str) -> int:
    """A 1-based character column on a 1-based line, in the client's units, 0-based."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return units(text[: max(column - 1, 0)], encoding)


def to_range(finding_span: Any, lines: list[str], encoding: str) -> types.Range:
    start = types.Position(
        line=finding_span.line - 1,
        character=_character(lines, finding_span.line, finding_span.col, encoding),
    )
    end = types.Position(
        line=finding_span.end_line - 1,
        character=_character(lines, finding_span.end_line, finding_span.end_col, encoding),
    )
    return types.Range(start=start, end=end)


def to_diagnostic(finding: Finding, uri: str, lines: list[str], encoding: str) -> types.Diagnostic:
    href = doc_href(finding.rule)
    rule = rules_by_code().get(finding.rule)
    related = [
        types.DiagnosticRelatedInformation(
            location=types.Location(uri=uri, range=to_range(r.span, lines, encoding)),
            message=r.message,
        )
        for r in finding.related
    ]
    return types.Diagnostic(
        range=to_range(finding.span, lines, encoding),
        message=finding.message,
        severity=SEVERITY[finding.level],
        code=finding.rule,
        code_description=types.CodeDescription(href=href) if href else None,
        source=SOURCE,
        related_information=related or None,
        data={"fingerprint": finding.fingerprint, "name": rule.name if rule else ""},
    )


def line_ending(text: str) -> str:
    """The document's line ending, so an inserted line matches the others."""
    match = _LINE_BREAK.search(text)
    return match.group(0) if match else "\n"


def disable_edit(text: str, line: int, code: str, is_env: bool, encoding: str) -> types.TextEdit:
    """The edit that suppresses ``code`` on the 0-based ``line``: a comment line
    inserted above it, or the code added to a disable-next-line comment already there."""
    lines = split_lines(text)
    above = lines[line - 1] if 0 < line <= len(lines) else ""
    match = _NEXT_LINE_DIRECTIVE.match(above)
    if match is not None:
        at = types.Position(line=line - 1, character=units(above[: match.end("codes")], encoding))
        return types.TextEdit(range=types.Range(start=at, end=at), new_text=f", {code}")
    flagged = lines[line] if line < len(lines) else ""
    indent = flagged[: len(flagged) - len(flagged.lstrip(" \t"))]
    marker = "#" if is_env else "//"
    start = types.Position(line=line, character=0)
    return types.TextEdit(
        range=types.Range(start=start, end=start),
        new_text=f"{indent}{marker} readylint-disable-next-line {code}{line_ending(text)}",
    )


class ReadylintServer(LanguageServer):
    """The server state: open documents, settings per config, one lint thread."""

    def __init__(self) -> None:
        super().__init__(SOURCE, __version__)
        self.documents: dict[str, Document] = {}
        self.lint_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="readylint")
        self.settings_cache: dict[Path | None, Settings] = {}
        self.config_errors_shown: set[str] = set()
        self.project_running: set[Path] = set()
        self.project_again: set[Path] = set()

    # -- helpers ---------------------------------------------------------------

    @property
    def encoding(self) -> str:
        chosen = self.server_capabilities.position_encoding
        return str(chosen) if chosen else types.PositionEncodingKind.Utf16

    async def in_thread(self, function: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.lint_thread, function, *args)

    def workspace_root_for(self, absolute: Path) -> Path:
        """The workspace folder holding the file (deepest), else its git top level."""
        best: Path | None = None
        for folder in self.workspace.folders.values():
            path = to_fs_path(folder.uri)
            if path is None:
                continue
            root = Path(path).resolve()
            inside = absolute == root or root in absolute.parents
            if inside and (best is None or len(root.parts) > len(best.parts)):
                best = root
        if best is None and self.workspace.root_path:
            root = Path(self.workspace.root_path).resolve()
            if root in absolute.parents:
                best = root
        return best or git_toplevel(absolute) or absolute.parent

    def settings_for(self, absolute: Path) -> Settings | None:
        """Settings from the config found upward from the file; None (and one
        message) when the config is invalid."""
        try:
            config = load_config(None, absolute)
        except ConfigError as exc:
            message = f"readylint: {exc}"
            if message not in self.config_errors_shown:
                self.config_errors_shown.add(message)
                self.window_show_message(
                    types.ShowMessageParams(type=types.MessageType.Error, message=message)
                )
            return None
        key = config.path
        if key not in self.settings_cache:
            self.settings_cache[key] = build_settings(config, select_rules(config))
        return self.settings_cache[key]

    def candidate_for(self, absolute: Path, workspace_root: Path) -> Candidate | None:
        """The file as the CLI would see it; None when readylint does not lint it."""
        if not is_lintable_name(absolute.name):
            return None
        try:
            config: Config | None = load_config(None, absolute)
        except ConfigError:
            config = None
        if absolute.exists():
            exclude = config.exclude if config is not None else []
            base = config.path.parent if config is not None and config.path else None
            found = discover([absolute], exclude, base, force_exclude=True)
            if not found.files:
                return None
            candidate = found.files[0]
        else:  # an unsaved new file: where it will be
            root = git_toplevel(absolute.parent) or workspace_root
            try:
                rel = absolute.relative_to(root).as_posix()
            except ValueError:
                rel = absolute.name
            candidate = Candidate(str(absolute), rel, rel, True)
        # test-file decisions as for a directory run from the workspace folder
        try:
            lint_relative = absolute.relative_to(workspace_root).as_posix()
        except ValueError:
            lint_relative = candidate.lint_relative
        return replace(candidate, lint_relative=lint_relative)

    # -- linting ---------------------------------------------------------------

    def log(self, message: str) -> None:
        self.window_log_message(
            types.LogMessageParams(type=types.MessageType.Log, message=f"readylint: {message}")
        )

    def publish(self, document: Document) -> None:
        text_document = self.workspace.get_text_document(document.uri)
        lines = split_lines(text_document.source)
        findings = [*document.file_findings, *document.project_findings]
        findings.sort(key=lambda f: f.sort_key)
        diagnostics = [to_diagnostic(f, document.uri, lines, self.encoding) for f in findings]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=document.uri, version=text_document.version, diagnostics=diagnostics
            )
        )

    async def lint_and_publish(self, uri: str) -> None:
        """The file rules on the document's in-memory text, then publish."""
        document = self.documents.get(uri)
        if document is None or document.candidate is None:
            return  # not a file readylint lints: say nothing rather than "no problems"
        text_document = self.workspace.get_text_document(uri)
        version, text = text_document.version, text_document.source
        settings = self.settings_for(document.absolute)
        findings: list[Finding] = []
        if settings is not None:
            raw = text.encode("utf-8", "surrogatepass")
            try:
                result = await self.in_thread(lint_bytes, document.candidate, raw, settings)
            except Exception as exc:  # a bug must not take the server down
                self.log(f"linting {document.candidate.path} failed: {exc!r}")
                return
            for note in result.notifications:
                self.log(f"{note.path}: {note.message}")
            findings = [f for f in result.findings if not f.suppressed]
        current = self.documents.get(uri)
        if current is not document or self.workspace.get_text_document(uri).version != version:
            return  # closed, or changed again: a newer lint is on its way
        document.file_findings = findings
        self.publish(document)

    def schedule(self, uri: str, delay: float) -> None:
        document = self.documents.get(uri)
        if document is None:
            return
        if document.pending is not None:
            document.pending.cancel()
        loop = asyncio.get_running_loop()
        document.pending = loop.call_later(
            delay, lambda: asyncio.ensure_future(self.lint_and_publish(uri))
        )

    async def run_workspace(self, root: Path) -> list[Finding] | None:
        """``readylint check ROOT`` in a child process: it uses every core and the
        cache, and the editor's lints are never queued behind it."""
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "readylint", "check", str(root),
            "--format", "json", "--fail-on", "never", "--quiet",
            cwd=root, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await process.communicate()
        if process.returncode != 0:
            self.log(f"linting the workspace {root} failed: {err.decode(errors='replace')[-500:]}")
            return None
        return [finding_from_json(row) for row in json.loads(out)["findings"]]

    async def lint_workspace(self, root: Path) -> None:
        """Lint the whole workspace for project rules; one run per root at a time,
        and one more if a save came in meanwhile."""
        if root in self.project_running:
            self.project_again.add(root)
            return
        self.project_running.add(root)
        try:
            while True:
                self.project_again.discard(root)
                if self.settings_for(root) is None:
                    break  # an invalid config: the user has been told
                try:
                    findings = await self.run_workspace(root)
                except (OSError, ValueError, KeyError) as exc:
                    self.log(f"linting the workspace {root} failed: {exc!r}")
                    break
                if findings is not None:
                    self.take_project_findings(root, findings)
                if root not in self.project_again:
                    break
        finally:
            self.project_running.discard(root)

    def take_project_findings(self, root: Path, findings: list[Finding]) -> None:
        """Project-rule findings to the open documents under ``root``: the file-rule
        findings of the run are from disk, so the in-memory ones are kept."""
        scopes = {code: rule.scope for code, rule in rules_by_code().items()}
        by_path: dict[str, list[Finding]] = {}
        for finding in findings:
            if scopes.get(finding.rule, "file") != "file":
                by_path.setdefault(finding.path, []).append(finding)
        for document in self.documents.values():
            if document.workspace_root != root or document.candidate is None:
                continue
            mine = by_path.get(document.candidate.path, [])
            if mine != document.project_findings:
                document.project_findings = mine
                self.publish(document)

    def open_document(self, uri: str) -> Document | None:
        path = to_fs_path(uri)
        if path is None:  # untitled: and other non-file documents
            return None
        absolute = Path(path).resolve()
        root = self.workspace_root_for(absolute)
        document = Document(uri, absolute, root, self.candidate_for(absolute, root))
        self.documents[uri] = document
        return document


server = ReadylintServer()


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
async def did_open(ls: ReadylintServer, params: types.DidOpenTextDocumentParams) -> None:
    document = ls.open_document(params.text_document.uri)
    if document is not None:
        await ls.lint_and_publish(document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: ReadylintServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, DEBOUNCE_SECONDS)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
async def did_save(ls: ReadylintServer, params: types.DidSaveTextDocumentParams) -> None:
    # a saved readylint.toml or .gitignore can change any open document's settings
    ls.settings_cache.clear()
    ls.config_errors_shown.clear()
    for other in ls.documents.values():
        other.candidate = ls.candidate_for(other.absolute, other.workspace_root)
        ls.schedule(other.uri, 0)
    document = ls.documents.get(params.text_document.uri)
    if document is not None:
        await ls.lint_workspace(document.workspace_root)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: ReadylintServer, params: types.DidCloseTextDocumentParams) -> None:
    document = ls.documents.pop(params.text_document.uri, None)
    if document is not None and document.pending is not None:
        document.pending.cancel()
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
    )


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
)
def code_action(ls: ReadylintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri
    text = ls.workspace.get_text_document(uri).source
    document = ls.documents.get(uri)
    is_env = document is not None and document.absolute.name.startswith(".env")
    actions = []
    seen: set[tuple[str, int]] = set()
    for diagnostic in params.context.diagnostics:
        code = diagnostic.code
        if diagnostic.source != SOURCE or not isinstance(code, str):
            continue
        line = diagnostic.range.start.line
        if (code, line) in seen:
            continue
        seen.add((code, line))
        edit = disable_edit(text, line, code, is_env, ls.encoding)
        actions.append(
            types.CodeAction(
                title=f"Disable {code} for this line",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                edit=types.WorkspaceEdit(changes={uri: [edit]}),
            )
        )
    return actions


def serve() -> None:
    """Run the server on stdin/stdout until the client exits."""
    server.start_io()

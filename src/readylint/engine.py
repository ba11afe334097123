"""The file pass: read, parse once, capture once, run the rules, make findings.

The engine knows no rule by name: it asks each enabled rule which file kinds
and captures it needs, runs one query for all of them, and turns the rules'
``Report``s into ``Finding``s (positions, levels, suppressions, supersedes,
fingerprints, masked secrets). ``lint_file`` is a pure function of the bytes
and the settings, so it can run in worker processes and be cached.
"""

from __future__ import annotations

import logging
import os
import stat
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pathspec

from readylint import facts, parsing, queries
from readylint.config import Config
from readylint.discovery import Candidate, DiscoveryPlan
from readylint.discovery import plan as plan_discovery
from readylint.findings import (
    Finding,
    Level,
    Notification,
    Related,
    Span,
    assign_fingerprints,
    redact,
    secret_digest,
)
from readylint.needles import Mentions
from readylint.project import ProjectReport
from readylint.registry import all_rules, matches
from readylint.rule import FileContext, ProjectContext, Report, Rule, is_test_path
from readylint.semantics import source_text
from readylint.source import SourceFile, language_for
from readylint.suppressions import Suppressions
from readylint.suppressions import parse as parse_suppressions

if TYPE_CHECKING:
    from tree_sitter import Node, Tree

LOG = logging.getLogger("readylint")


@dataclass
class Settings:
    """What the file pass needs to know, besides the file."""

    rules: list[Rule]
    config: Config
    per_file_ignores: list[tuple[pathspec.GitIgnoreSpec, tuple[str, ...]]] = field(
        default_factory=list
    )
    report_unused_disables: bool = False
    fact_extractors: tuple[str, ...] = ()  # what the enabled project rules read
    profile: dict[str, float] | None = None  # seconds per rule, when profiling
    # applicable rules by (file kind, is test), when no per-file ignore can differ by path
    applicable_memo: dict[tuple[str | None, bool], list[Rule]] = field(default_factory=dict)
    options_memo: dict[str, dict[str, Any]] = field(default_factory=dict)

    def options_of(self, code: str) -> dict[str, Any]:
        """The rule's options (defaults merged with the config), computed once."""
        found = self.options_memo.get(code)
        if found is None:
            found = self.options_memo[code] = self.config.options_for(code)
        return found

    def levels_for(self, rule: Rule) -> Level | None:
        return self.config.levels.get(rule.code)


@dataclass
class FileResult:
    path: str
    findings: list[Finding] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)
    lines: int = 0
    linted: bool = False
    facts: facts.FileFacts = field(default_factory=dict)


@dataclass
class RunResult:
    findings: list[Finding]
    notifications: list[Notification]
    project_root: Path
    files_scanned: int
    lines_scanned: int
    rules_run: list[Rule]
    seconds: float
    directories_given: bool


def select_rules(
    config: Config,
    select: list[str] | None = None,
    extend_select: list[str] | None = None,
    ignore: list[str] | None = None,
) -> list[Rule]:
    """Enabled rules: (--select or config select) + extend-select - ignore."""
    selectors = select if select else config.select
    extra = [*config.extend_select, *(extend_select or [])]
    ignored = [*config.ignore, *(ignore or [])]
    chosen = []
    for rule_class in all_rules():
        code = rule_class.code
        wanted = any(matches(code, s) for s in selectors) or any(matches(code, s) for s in extra)
        if wanted and not any(matches(code, s) for s in ignored):
            chosen.append(rule_class())
    return chosen


def file_kind(language: str | None) -> str | None:
    if language in ("typescript", "tsx", "javascript"):
        return "js"
    return language


def parse_best(source: SourceFile) -> tuple[Tree, str]:
    """Parse with the grammar the extension names; a ``.js`` file that only
    parses as TypeScript (it happens) is parsed as TypeScript."""
    assert source.language is not None
    deadline = time.monotonic() + parsing.parse_budget(len(source.data))  # one budget for all
    # no re-parse to give the tree its bytes: the engine reads node text from
    # ``source.data`` (semantics.source_text)
    tree = parsing.parse(source.language, source.data, keep_source=False)
    if tree.root_node.has_error and source.language == "javascript":
        for fallback in ("typescript", "tsx"):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                retry = parsing.parse(fallback, source.data, remaining, keep_source=False)
            except parsing.ParseTimeout:
                break  # the JavaScript tree, errors and all, is what we have
            if not retry.root_node.has_error:
                return retry, fallback
    return tree, source.language


def decode_problem(data: bytes) -> str | None:
    if data.isascii():  # most source files: valid UTF-8 without decoding them
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"not valid UTF-8 at byte {exc.start}"
    return None


def normalise_encoding(raw: bytes) -> bytes:
    """UTF-16 files (with a BOM) are re-encoded as UTF-8; others are left alone."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return raw
    return raw


def read_candidate(candidate: Candidate, settings: Settings) -> tuple[bytes | None, FileResult]:
    """The file's bytes, or None with a notification saying why it was not read."""
    result = FileResult(candidate.path)
    try:
        # one descriptor for the checks and the read: cheaper than stat, open and a
        # buffered file object, and a named pipe opened non-blocking cannot hang the run
        fd = _open_source(candidate.location)
        try:
            status = os.fstat(fd)
            if not stat.S_ISREG(status.st_mode):
                # a named pipe or device named like a source file: reading could block
                result.notifications.append(
                    Notification("skipped: not a regular file", candidate.path, level="note")
                )
                return None, result
            size = status.st_size
            if size > settings.config.max_file_size:
                result.notifications.append(
                    Notification(
                        f"skipped: {size} bytes is over max-file-size "
                        f"({settings.config.max_file_size} bytes)",
                        candidate.path,
                        level="note",
                    )
                )
                return None, result
            return _read_all(fd, size), result
        finally:
            os.close(fd)
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        result.notifications.append(Notification(f"cannot read file: {reason}", candidate.path))
        return None, result


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def _open_source(path: str) -> int:
    return os.open(path, _OPEN_FLAGS)


def _read_all(fd: int, size: int) -> bytes:
    """The file's bytes: ``size`` of them in one read, unless it changed size meanwhile
    (or the system returned less), then whatever is there up to its end."""
    data = os.read(fd, size + 1)
    if len(data) == size:
        return data
    parts = [data]
    while chunk := os.read(fd, 1 << 20):
        parts.append(chunk)
    return b"".join(parts)


def lint_file(candidate: Candidate, settings: Settings) -> FileResult:
    """Everything the file pass says about one file. Never raises for bad input."""
    raw, result = read_candidate(candidate, settings)
    if raw is None:
        return result
    return lint_bytes(candidate, raw, settings)


def applicable_rules(candidate: Candidate, settings: Settings) -> list[Rule]:
    """The enabled file rules that apply to this file (kind, tests, per-file ignores)."""
    kind = file_kind(language_for(candidate.path))
    is_test = is_test_path(candidate.lint_relative)
    if not settings.per_file_ignores:
        found = settings.applicable_memo.get((kind, is_test))
        if found is None:
            found = settings.applicable_memo[(kind, is_test)] = _applicable(
                candidate, settings, kind, is_test
            )
        return found
    return _applicable(candidate, settings, kind, is_test)


def _applicable(
    candidate: Candidate, settings: Settings, kind: str | None, is_test: bool
) -> list[Rule]:
    return [
        rule
        for rule in settings.rules
        if rule.scope == "file"
        and kind in rule.file_kinds
        and not (rule.skips_tests and is_test and not settings.config.include_tests)
        and not _ignored_for_path(rule.code, candidate.path, settings)
    ]


def lint_bytes(candidate: Candidate, raw: bytes, settings: Settings) -> FileResult:
    result = FileResult(candidate.path)
    raw = normalise_encoding(raw)
    problem = decode_problem(raw)
    if problem is not None:
        result.notifications.append(Notification(f"cannot decode file: {problem}", candidate.path))
        return result
    source = SourceFile.from_bytes(candidate.path, raw, candidate.lint_relative)
    kind = file_kind(source.language)
    is_test = is_test_path(candidate.lint_relative)
    rules = applicable_rules(candidate, settings)
    result.lines = source.line_count()
    result.linted = True
    mentions = Mentions(source.data)  # one pass finds every rule's and extractor's needles
    active = [rule for rule in rules if rule.wants(mentions, settings.options_of(rule.code))]
    # applications made in tests (supertest setups, fixtures) are not the project's
    wants_facts = kind == "js" and (not is_test or settings.config.include_tests)
    # every JS/TS file is parsed, tests too, even where no rule has work (a syntax
    # error is worth a note); only the extractors whose words it mentions run on it
    if kind != "js" and not active:
        return result
    extractors = facts.wanted(settings.fact_extractors, mentions) if wants_facts else ()
    with source_text(source.data):  # the tree is parsed without its bytes
        _analyse(candidate, source, settings, result, active, extractors, mentions)
    return result


def _analyse(
    candidate: Candidate,
    source: SourceFile,
    settings: Settings,
    result: FileResult,
    active: list[Rule],
    extractors: tuple[str, ...],
    mentions: Mentions,
) -> None:
    """Parse, capture, extract facts and run the rules; into ``result``."""
    kind = file_kind(source.language)
    is_test = is_test_path(candidate.lint_relative)
    tree: Tree | None = None
    captures: dict[str, list[Node]] = {}
    clock = time.perf_counter()
    if kind == "js":
        try:
            tree, language = parse_best(source)
        except parsing.ParseTimeout as exc:
            result.notifications.append(Notification(str(exc), candidate.path, level="warning"))
            return
        if tree.root_node.has_error:
            result.notifications.append(
                Notification(
                    "syntax errors: the file was only partly parsed; findings may be incomplete",
                    candidate.path,
                    level="note",
                )
            )
        if active or extractors:  # else the file was parsed for its syntax note only
            captures = queries.run(language, capture_names(active, extractors), tree.root_node)
    _account(settings, "(parse+query)", clock)
    # one Semantics (and other analyses) for rules and facts
    shared: dict[str, Any] = {"mentions": mentions}
    if extractors:
        clock = time.perf_counter()
        try:
            result.facts = _extract_facts(source, tree, captures, is_test, extractors, shared)
        except Exception as exc:  # a facts bug costs this file's facts, nothing else
            result.notifications.append(
                Notification(
                    f"fact extraction failed on this file: {exc.__class__.__name__}: {exc}",
                    candidate.path,
                    rule="facts",
                    level="error",
                )
            )
        _account(settings, "(facts)", clock)
    reports: list[tuple[Rule, Report]] = []
    # one context for every rule, its options set per rule: each check is consumed
    # whole before the next rule starts
    ctx = FileContext(
        source,
        tree,
        captures,
        is_test,
        candidate.committed,
        include_tests=settings.config.include_tests,
        shared=shared,
    )
    profiling = settings.profile is not None
    for rule in active:
        ctx.options = settings.options_of(rule.code)
        started = time.perf_counter() if profiling else 0.0
        try:
            reports.extend((rule, report) for report in rule.check(ctx))
        except Exception as exc:  # a rule bug must not cost the other rules' findings
            result.notifications.append(
                Notification(
                    f"rule {rule.code} failed on this file: {exc.__class__.__name__}: {exc}",
                    candidate.path,
                    rule=rule.code,
                    level="error",
                )
            )
        if profiling:
            _account(settings, rule.code, started)
    if reports:
        result.findings = _to_findings(_drop_superseded(reports), source, settings)
    # most files hold no directive: then there is nothing to read line by line
    if b"readylint-" in source.data:
        lines = [source.line_text(i) for i in range(1, source.line_count() + 1)]
        suppressions = parse_suppressions(lines)
        suppressions.apply(result.findings)
        result.notifications.extend(_suppression_notes(suppressions, candidate.path, settings))


def capture_names(rules: list[Rule], extractors: tuple[str, ...]) -> tuple[str, ...]:
    """The capture kinds a file's query needs: what the evaluator, the active rules and
    the wanted fact extractors ask for (a handful of combinations per run)."""
    return _capture_names(tuple(type(rule) for rule in rules), extractors)


@cache
def _capture_names(
    rule_types: tuple[type[Rule], ...], extractors: tuple[str, ...]
) -> tuple[str, ...]:
    kinds = {*queries.SEMANTIC_CAPTURES, *facts.extractor_captures(extractors)}
    kinds.update(kind for rule in rule_types for kind in rule.captures)
    return queries.query_kinds(kinds)


def _account(settings: Settings, what: str, since: float) -> None:
    if settings.profile is not None:
        elapsed = time.perf_counter() - since
        settings.profile[what] = settings.profile.get(what, 0.0) + elapsed


def _extract_facts(
    source: SourceFile,
    tree: Tree | None,
    captures: dict[str, list[Node]],
    is_test: bool,
    extractors: tuple[str, ...],
    shared: dict[str, Any],
) -> facts.FileFacts:
    ctx = FileContext(source, tree, captures, is_test, shared=shared)
    placer = facts.Placer(source.path, lambda start, end: _span(source, start, end))
    return facts.extract(extractors, ctx, placer)


def _ignored_for_path(code: str, path: str, settings: Settings) -> bool:
    return any(
        spec.match_file(path) and any(code.startswith(c) for c in codes)
        for spec, codes in settings.per_file_ignores
    )


def _drop_superseded(reports: list[tuple[Rule, Report]]) -> list[tuple[Rule, Report]]:
    """One problem, one finding: a superseding rule's finding hides an overlapping
    finding of the rule it supersedes; identical (rule, start) reports count once."""
    # the ranges each superseded code must not overlap, from the rules that supersede it
    covering: dict[str, list[tuple[int, int]]] = {}
    for rule, report in reports:
        for code in rule.supersedes:
            covering.setdefault(code, []).append(report.byte_range)
    kept: list[tuple[Rule, Report]] = []
    seen: set[tuple[str, int]] = set()
    for rule, report in reports:
        start, end = report.byte_range
        if (rule.code, start) in seen:
            continue
        ranges = covering.get(rule.code, ())
        if any(a < end and start < b for a, b in ranges):
            continue
        seen.add((rule.code, start))
        kept.append((rule, report))
    return kept


def _span(source: SourceFile, start: int, end: int) -> Span:
    a = source.position(start)
    b = source.position(end)
    return Span(a.line, a.column, a.column_utf16, b.line, b.column, b.column_utf16)


def _to_findings(
    reports: list[tuple[Rule, Report]], source: SourceFile, settings: Settings
) -> list[Finding]:
    findings = []
    raw_lines: dict[int, str] = {}
    for rule, report in reports:
        start, end = report.byte_range
        span = _span(source, start, end)
        level = settings.levels_for(rule) or report.level or rule.level
        line = source.line_text(span.line)
        raw_lines[span.line] = line
        related = tuple(
            Related(_span(source, node.start_byte, node.end_byte), redact(text, report.secrets))
            for node, text in report.related
        )
        findings.append(
            Finding(
                rule=rule.code,
                level=level,
                path=source.path,
                span=span,
                # rules mask secrets in their messages themselves; this is the safety net
                # (short values such as 'secret' are ordinary words in a message)
                message=redact(report.message, tuple(s for s in report.secrets if len(s) >= 8)),
                source_line=redact(line, report.secrets),
                related=related,
                secret_hashes=tuple(secret_digest(s) for s in report.secrets),
                secrets=report.secrets,
            )
        )
    assign_fingerprints(findings, raw_lines)
    findings.sort(key=lambda f: f.sort_key)
    return findings


def _suppression_notes(
    suppressions: Suppressions, path: str, settings: Settings
) -> list[Notification]:
    notes = [
        Notification(
            f"line {line}: readylint-disable without rule codes is ignored; name the codes",
            path,
            level="warning",
        )
        for line in suppressions.malformed
    ]
    if settings.report_unused_disables:
        for directive in suppressions.unused():
            notes.append(
                Notification(
                    f"line {directive.line}: unused readylint-{directive.kind} "
                    f"for {', '.join(directive.codes)}",
                    path,
                    rule="unused-disable",
                    level="warning",
                )
            )
    return notes


def build_settings(
    config: Config, rules: list[Rule], report_unused_disables: bool = False
) -> Settings:
    per_file = [
        (pathspec.GitIgnoreSpec.from_lines([glob]), tuple(codes))
        for glob, codes in config.per_file_ignores.items()
    ]
    return Settings(rules, config, per_file, report_unused_disables)


def run(
    paths: list[Path],
    config: Config,
    rules: list[Rule],
    force_exclude: bool = False,
    report_unused_disables: bool = False,
    jobs: int | None = 1,
    cache_dir: Path | None = None,
) -> RunResult:
    """Lint ``paths``. ``jobs`` None means every core; ``cache_dir`` None means no
    cache (a relative cache dir is taken from the project root)."""
    started = time.perf_counter()
    exclude_base = config.path.parent if config.path is not None else None
    # the walk is pulled by the scheduler as it hands out work: linting starts on the
    # first files while the rest of the tree is still being listed
    found: DiscoveryPlan = plan_discovery(paths, config.exclude, exclude_base, force_exclude)
    settings = build_settings(config, rules, report_unused_disables)
    project_rules = [r for r in rules if r.scope == "project"] if found.directories_given else []
    settings.fact_extractors = tuple(sorted({name for r in project_rules for name in r.facts}))
    findings: list[Finding] = []
    notifications = [
        Notification(f"path does not exist: {p}", p, level="error") for p in found.missing
    ]
    project = facts.ProjectFacts()
    lines = files = 0
    from readylint.scheduler import lint_stream, open_cache

    cache = open_cache(cache_dir, found.project_root) if cache_dir is not None else None
    try:
        linted = lint_stream(found.candidates(), settings, jobs, cache)
    finally:
        if cache is not None:
            cache.close()
    linted.sort(key=lambda pair: pair[0].path)  # output and the project pass go by path
    for candidate, file_result in linted:
        findings.extend(file_result.findings)
        notifications.extend(file_result.notifications)
        project.add(candidate.path, file_result.facts)
        if file_result.linted:
            files += 1
            lines += file_result.lines
    if project_rules:
        by_path = {c.path: c for c, _ in linted}
        project_findings, project_notes = run_project_rules(
            project_rules, project, settings, by_path
        )
        findings.extend(project_findings)
        notifications.extend(project_notes)
    findings.sort(key=lambda f: f.sort_key)
    ran = [r for r in rules if r.scope == "file" or found.directories_given]
    LOG.debug(
        "project root %s; %d files, %d lines; %d rules (%d project); %d findings in %.2f s",
        found.project_root, files, lines, len(ran), len(project_rules), len(findings),
        time.perf_counter() - started,
    )  # fmt: skip
    return RunResult(
        findings,
        notifications,
        found.project_root,
        files,
        lines,
        ran,
        time.perf_counter() - started,
        found.directories_given,
    )


def run_project_rules(
    rules: list[Rule],
    project: facts.ProjectFacts,
    settings: Settings,
    candidates: dict[str, Candidate],
) -> tuple[list[Finding], list[Notification]]:
    """The project pass: rules read merged facts; findings get the same treatment
    as file findings (per-file ignores, levels, suppressions, fingerprints)."""
    notes: list[Notification] = []
    by_file: dict[str, list[tuple[Rule, ProjectReport]]] = {}
    for rule in rules:
        ctx = ProjectContext(
            project, settings.config.options_for(rule.code), settings.config.options_for
        )
        try:
            reports = list(rule.check_project(ctx))
        except Exception as exc:  # one broken project rule must not cost the others
            notes.append(
                Notification(
                    f"rule {rule.code} failed: {exc.__class__.__name__}: {exc}",
                    rule=rule.code,
                    level="error",
                )
            )
            continue
        for report in reports:
            path = report.place["path"]
            if not _ignored_for_path(rule.code, path, settings):
                by_file.setdefault(path, []).append((rule, report))
    findings: list[Finding] = []
    for path, file_reports in by_file.items():
        lines = _read_lines(candidates.get(path))
        file_findings = _project_findings(path, file_reports, lines, settings)
        suppressions = parse_suppressions(lines)
        suppressions.apply(file_findings)
        findings.extend(file_findings)
    return findings, notes


def _read_lines(candidate: Candidate | None) -> list[str]:
    if candidate is None:
        return []
    try:
        raw = normalise_encoding(candidate.absolute.read_bytes())
    except OSError:
        return []
    source = SourceFile.from_bytes(candidate.path, raw)
    return [source.line_text(i) for i in range(1, source.line_count() + 1)]


def _project_findings(
    path: str,
    reports: list[tuple[Rule, ProjectReport]],
    lines: list[str],
    settings: Settings,
) -> list[Finding]:
    findings: list[Finding] = []
    seen: set[tuple[str, int, int]] = set()
    raw_lines: dict[int, str] = {}
    for rule, report in reports:
        place = report.place
        key = (rule.code, place["line"], place["col"])
        if key in seen:  # identical findings (same rule, same place) are reported once
            continue
        seen.add(key)
        line = lines[place["line"] - 1] if 0 < place["line"] <= len(lines) else ""
        raw_lines[place["line"]] = line
        span = Span(
            place["line"], place["col"], place["col16"],
            place["end_line"], place["end_col"], place["end_col16"],
        )  # fmt: skip
        findings.append(
            Finding(
                rule=rule.code,
                level=settings.levels_for(rule) or report.level or rule.level,
                path=path,
                span=span,
                message=report.message,
                source_line=line,
            )
        )
    assign_fingerprints(findings, raw_lines)
    return findings

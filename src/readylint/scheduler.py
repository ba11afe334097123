"""Running the file pass over many files: the cache first, then a process pool.

Unchanged files (same mtime and size, same config key) come straight from the
cache without being read; changed files are read and hashed, and only content
that the cache has not seen is linted. Linting runs in forked worker processes
over chunks of files (not one task per file); results come back in input
order, so output does not depend on ``--jobs``.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import multiprocessing
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import Any

from readylint import __version__
from readylint.cache import ResultCache, Stamp, content_hash
from readylint.discovery import Candidate
from readylint.engine import (
    FileResult,
    Settings,
    applicable_rules,
    file_kind,
    lint_bytes,
    read_candidate,
)
from readylint.findings import Finding, Notification
from readylint.rule import is_test_path
from readylint.source import language_for
from readylint.workers import ChunkPool

LOG = logging.getLogger("readylint")
MIN_FILES_PER_WORKER = 16
# files per task: small enough to balance the workers at the end of a run, big
# enough to keep the traffic between processes low
CHUNK_FILES = 32
CHUNK_PATH_BYTES = 16_000
CHUNK_SOURCE_BYTES = 128_000  # about 10 ms of linting
TYPICAL_FILE_BYTES = 4_000  # for a file whose size is not known (no cache)
_WORKER_SETTINGS: Settings | None = None  # set before fork, inherited by workers


def open_cache(directory: Path, project_root: Path) -> ResultCache:
    return ResultCache(directory if directory.is_absolute() else project_root / directory)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def config_key(candidate: Candidate, settings: Settings, memo: dict[Any, str]) -> str:
    """A digest of the config that affects this file: the rules that apply to it,
    their options and levels, and the settings that change what a file yields."""
    # without per-file ignores the rules that apply follow from the file's kind and
    # whether it is a test: the key is looked up by those, once per file
    quick = None
    if not settings.per_file_ignores:
        kind = file_kind(language_for(candidate.path))
        quick = (kind, is_test_path(candidate.lint_relative), candidate.committed)
        if quick in memo:
            return memo[quick]
    rules = tuple(r.code for r in applicable_rules(candidate, settings))
    memo_key = (rules, candidate.committed)
    if memo_key not in memo:
        config = settings.config
        material = {
            "version": __version__,
            "rules": rules,
            "options": {code: config.options_for(code) for code in rules},
            "levels": {code: config.levels[code].label for code in rules if code in config.levels},
            "include_tests": config.include_tests,
            "max_file_size": config.max_file_size,
            "facts": settings.fact_extractors,
            "unused": settings.report_unused_disables,
            "committed": candidate.committed,
        }
        text = json.dumps(material, sort_keys=True, default=str)
        memo[memo_key] = hashlib.sha256(text.encode()).hexdigest()[:32]
    if quick is not None:
        memo[quick] = memo[memo_key]
    return memo[memo_key]


def to_payload(result: FileResult) -> dict[str, Any]:
    return {
        "findings": [f.to_cache() for f in result.findings],
        "notifications": [n.to_dict() for n in result.notifications],
        "lines": result.lines,
        "linted": result.linted,
        "facts": result.facts,
    }


def from_payload(path: str, payload: dict[str, Any]) -> FileResult | None:
    try:
        return FileResult(
            path,
            [Finding.from_cache(f) for f in payload["findings"]],
            [Notification(**n) for n in payload["notifications"]],
            int(payload["lines"]),
            bool(payload["linted"]),
            dict(payload["facts"]),
        )
    except (KeyError, TypeError, ValueError):
        return None  # a foreign or damaged row: lint again


def _stamp(candidate: Candidate) -> Stamp | None:
    try:
        st = os.stat(candidate.location)
    except OSError:
        return None
    return Stamp(st.st_mtime_ns, st.st_size)


def _lint_content_hash(candidate: Candidate) -> str | None:
    try:
        return content_hash(candidate.absolute.read_bytes())
    except OSError:
        return None


def _lookup_by_content(
    cache: ResultCache, candidate: Candidate, stamp: Stamp, key: str
) -> dict[str, Any] | None:
    """A touched but unchanged file (a checkout, a rebuild): same bytes, same result."""
    digest = _lint_content_hash(candidate)
    payload = cache.lookup_by_hash(candidate.path, digest, key) if digest else None
    if payload is not None and digest:
        cache.store(candidate.path, stamp, digest, key, payload)
    return payload


def _lint_one(candidate: Candidate, settings: Settings) -> tuple[FileResult, str]:
    raw, result = read_candidate(candidate, settings)
    if raw is None:
        return result, ""
    return lint_bytes(candidate, raw, settings), content_hash(raw)


def _lint_chunk(chunk: list[Candidate]) -> list[tuple[FileResult, str]]:
    assert _WORKER_SETTINGS is not None
    return [_lint_one(candidate, _WORKER_SETTINGS) for candidate in chunk]


def _chunks(items: Iterable[Candidate], run: _Run) -> Iterator[list[Candidate]]:
    """Up to ``CHUNK_FILES`` candidates a chunk, fewer when their sources are big (the
    last chunk of a run keeps one worker busy while the other has nothing left, so
    it must be short) or their paths long (a queued chunk must fit in its worker's
    pipe while the worker is busy). Sizes come from the cache's stamps, when known."""
    chunk: list[Candidate] = []
    paths = source = 0
    for position, item in enumerate(items):
        chunk.append(item)
        paths += len(item.location) + len(item.path) + len(item.lint_relative)
        stamp = run.stamps[run.todo[position]]
        source += stamp.size if stamp is not None else TYPICAL_FILE_BYTES
        if len(chunk) == CHUNK_FILES or paths > CHUNK_PATH_BYTES or source >= CHUNK_SOURCE_BYTES:
            yield chunk
            chunk = []
            paths = source = 0
    if chunk:
        yield chunk


def _crashed(candidate: Candidate) -> tuple[FileResult, str]:
    """What a file that stops the worker linting it (on its own) gets."""
    notice = Notification(
        "skipped: linting this file stopped the worker process", candidate.path, level="error"
    )
    return FileResult(candidate.path, notifications=[notice]), ""


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often while linting. Every file makes
    tens of thousands of short-lived node objects, and the default threshold (700
    allocations) starts a collection every few hundred of them: about 4% of the
    run. Cycles are still collected, only in bigger batches."""
    threshold = gc.get_threshold()
    gc.set_threshold(50_000, threshold[1], threshold[2])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


def lint_all(
    candidates: list[Candidate],
    settings: Settings,
    jobs: int | None = None,
    cache: ResultCache | None = None,
) -> list[FileResult]:
    """File results for ``candidates``, in the same order."""
    return [result for _, result in lint_stream(candidates, settings, jobs, cache)]


def lint_stream(
    candidates: Iterable[Candidate],
    settings: Settings,
    jobs: int | None = None,
    cache: ResultCache | None = None,
) -> list[tuple[Candidate, FileResult]]:
    """(candidate, result) for each candidate, in the order the candidates came. The
    candidates may still be being discovered: they are pulled as the workers need
    them."""
    with fewer_collections():
        return _lint_stream(iter(candidates), settings, jobs, cache)


@dataclass
class _Run:
    """What the run knows of each candidate pulled so far, by position."""

    candidates: list[Candidate] = field(default_factory=list)
    results: list[FileResult | None] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    stamps: list[Stamp | None] = field(default_factory=list)
    todo: list[int] = field(default_factory=list)  # positions linted, in hand-out order


def _lint_stream(
    candidates: Iterator[Candidate],
    settings: Settings,
    jobs: int | None,
    cache: ResultCache | None,
) -> list[tuple[Candidate, FileResult]]:
    """Cache lookups feed the workers as they go (the next chunk is pulled when a
    worker has room for it), and results are stored as they come back: neither
    waits for the other to finish over all files. One thread does all of it."""
    global _WORKER_SETTINGS
    run = _Run()
    misses = _cache_misses(candidates, settings, cache, run)
    jobs = jobs or default_jobs()
    # enough misses to be worth a pool? (a warm run finds nearly none)
    first = list(islice(misses, MIN_FILES_PER_WORKER * max(2, jobs)))
    if jobs > 1 and len(first) >= MIN_FILES_PER_WORKER * 2:
        workers = min(jobs, max(2, len(first) // MIN_FILES_PER_WORKER))
        _WORKER_SETTINGS = settings
        context = multiprocessing.get_context("fork")
        with ChunkPool(context, workers, _lint_chunk, _crashed) as pool:
            _collect(pool.map(_chunks(chain(first, misses), run)), run, cache)
        _WORKER_SETTINGS = None
    else:
        _collect((_lint_one(c, settings) for c in chain(first, misses)), run, cache)
    LOG.debug(
        "%d files: %d from the cache, %d linted with %d job(s)",
        len(run.candidates), len(run.candidates) - len(run.todo), len(run.todo), jobs,
    )  # fmt: skip
    if cache is not None:
        cache.flush()
    return [
        (candidate, result)
        for candidate, result in zip(run.candidates, run.results, strict=True)
        if result is not None
    ]


def _cache_misses(
    candidates: Iterator[Candidate],
    settings: Settings,
    cache: ResultCache | None,
    run: _Run,
) -> Iterator[Candidate]:
    """The candidates the cache cannot answer; cached results go into ``run``."""
    memo: dict[Any, str] = {}
    use_cache = cache is not None and cache.enabled
    for index, candidate in enumerate(candidates):
        key, stamp, cached = "", None, None
        if cache is not None and use_cache:
            key = config_key(candidate, settings, memo)
            stamp = _stamp(candidate)
            payload = cache.lookup_by_stamp(candidate.path, stamp, key) if stamp else None
            if payload is None and stamp is not None and cache.has(candidate.path):
                payload = _lookup_by_content(cache, candidate, stamp, key)
            cached = from_payload(candidate.path, payload) if payload is not None else None
        run.candidates.append(candidate)
        run.keys.append(key)
        run.stamps.append(stamp)
        run.results.append(cached)
        if cached is None:
            run.todo.append(index)  # before the file is handed out, so before it returns
            yield candidate


def _collect(fresh: Iterable[tuple[FileResult, str]], run: _Run, cache: ResultCache | None) -> None:
    """Results in the order the files were handed out, each stored as it arrives."""
    for position, (result, digest) in enumerate(fresh):
        index = run.todo[position]
        run.results[index] = result
        stamp = run.stamps[index]
        if cache is not None and cache.enabled and digest and stamp is not None:
            cache.store(
                run.candidates[index].path, stamp, digest, run.keys[index], to_payload(result)
            )

"""The worker pool: results in input order, and a worker that dies costs only the
item that killed it."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest
from test_bad_input import check, good_finding_kept, make_project, notes_for

from readylint import scheduler
from readylint.workers import ChunkPool, WorkerError

FORK = multiprocessing.get_context("fork")


def square_or_die(items: list[int]) -> list[int]:
    for item in items:
        if item == 13:
            os._exit(3)  # as a segfault in a parser would: no exception, no result
    return [item * item for item in items]


def chunked(items: list[int], size: int) -> list[list[int]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def test_results_come_in_input_order() -> None:
    items = list(range(200))
    with ChunkPool(FORK, 3, square_or_die, lambda item: -1) as pool:
        # uneven chunks: a later one often finishes first
        assert list(pool.map(iter(chunked([i for i in items if i != 13], 7)))) == [
            i * i for i in items if i != 13
        ]


def test_an_item_that_kills_its_worker_is_the_only_loss() -> None:
    items = list(range(40))
    with ChunkPool(FORK, 2, square_or_die, lambda item: -item) as pool:
        results = list(pool.map(iter(chunked(items, 5))))
    assert results == [-13 if i == 13 else i * i for i in items]


def test_only_the_item_being_linted_is_blamed_for_a_crash() -> None:
    """One worker, so the items queued behind the crashing one are in the same dead
    worker: they are linted again, not reported as crashes."""
    items = list(range(20))
    with ChunkPool(FORK, 1, square_or_die, lambda item: -item) as pool:
        results = list(pool.map(iter(chunked(items, 4))))
    assert results == [-13 if i == 13 else i * i for i in items]


def test_an_exception_in_a_worker_is_raised_with_its_traceback() -> None:
    def explode(items: list[int]) -> list[int]:
        raise ValueError("a bug")

    with ChunkPool(FORK, 2, explode, lambda item: 0) as pool, pytest.raises(WorkerError) as error:
        list(pool.map(iter([[1], [2]])))
    assert "ValueError: a bug" in str(error.value)


def test_a_file_that_kills_the_worker_becomes_a_notification(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bad input never costs the run: the other files' findings are all reported."""
    project = make_project(tmp_path)
    for index in range(40):  # enough files for a pool of workers
        (project / f"filler{index}.js").write_text("const a = 1;\n", encoding="utf-8")
    (project / "killer.js").write_text("const b = 2;\n", encoding="utf-8")
    lint_one = scheduler._lint_one

    def dying_lint_one(candidate, settings):  # type: ignore[no-untyped-def]
        if candidate.path.endswith("killer.js"):
            os._exit(9)
        return lint_one(candidate, settings)

    monkeypatch.setattr(scheduler, "_lint_one", dying_lint_one)
    code, data = check(project, "--jobs", "2")
    assert code == 1 and good_finding_kept(data)
    assert notes_for(data, "killer.js") == ["skipped: linting this file stopped the worker process"]


def test_chunks_are_cut_by_count_source_size_and_path_length() -> None:
    """A run ends when its last chunk does: chunks of big files stay short."""
    run = scheduler._Run()
    candidates = []
    for index, size in enumerate([1_000] * 40 + [100_000] * 3 + [1_000] * 5):
        name = f"f{index}.js"
        candidates.append(scheduler.Candidate(f"/p/{name}", name, name, True))
        run.stamps.append(scheduler.Stamp(0, size))
        run.todo.append(index)
    sizes = [len(chunk) for chunk in scheduler._chunks(candidates, run)]
    assert sizes == [32, 10, 6]  # the second is cut past 128 KB, at the second big file
    # unknown sizes (no cache): by count; very long paths: fewer per chunk
    run.stamps = [None] * len(candidates)
    assert [len(c) for c in scheduler._chunks(candidates, run)] == [32, 16]
    long = [scheduler.Candidate("/" + "x" * 3_000, "x" * 3_000, "x", True)] * 10
    run.todo = list(range(10))
    assert max(len(c) for c in scheduler._chunks(long, run)) < 10

"""Forked worker processes fed over their own pipes by the parent's one thread.

``multiprocessing.Pool`` serves the file pass poorly: its worker-handler thread
waits on the result pipe too, so every result wakes it again and again until the
result thread has read it (about 3,000 wake-ups and 70 ms of the parent's CPU on
a 3,000-file run, taken from the workers on a 2-core machine), and a worker that
dies takes its task with it and leaves ``imap`` waiting forever.

Here each worker has a pipe; the parent keeps two chunks queued on each (so a
worker never waits for the next), reads results as they come and hands them on
in input order. A worker that dies (a crash in a parser on hostile input, the OOM
killer) costs its queued chunks nothing: they are linted again one item per
task in a fresh worker, and an item that kills a worker on its own becomes
``on_crash(item)``.
"""

from __future__ import annotations

import contextlib
import traceback
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.context import BaseContext
from typing import Any, Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

QUEUED_PER_WORKER = 2  # chunks a worker holds: the one it lints and the next one


@dataclass
class _Task(Generic[Item]):
    position: int  # the chunk's place in the output order
    items: list[Item]
    # a retried item's place in its chunk: if it kills a worker, it is the cause
    slot: int | None = None


@dataclass
class _Worker:
    connection: Connection
    process: Any  # multiprocessing.Process of the fork context
    queued: deque[_Task[Any]] = field(default_factory=deque)


class WorkerError(Exception):
    """``function`` raised in a worker (a bug, not bad input): the traceback is kept."""


@dataclass
class _Raised:
    traceback: str


def _serve(connection: Connection, function: Callable[[list[Any]], list[Any]]) -> None:
    while True:
        try:
            items = connection.recv()
        except EOFError:
            return
        if items is None:
            return
        try:
            results: Any = function(items)
        except Exception:
            results = _Raised(traceback.format_exc())
        connection.send(results)


class ChunkPool(Generic[Item, Result]):
    """``function`` over chunks of items in ``workers`` forked processes."""

    def __init__(
        self,
        context: BaseContext,
        workers: int,
        function: Callable[[list[Item]], list[Result]],
        on_crash: Callable[[Item], Result],
    ) -> None:
        self._context = context
        self._function = function
        self._on_crash = on_crash
        self._workers = [self._start() for _ in range(workers)]
        self._done: dict[int, list[Result]] = {}  # finished chunks by output position
        # a chunk split after a crash: its items' results by slot, until all are back
        self._split: dict[int, list[Result | None]] = {}
        self._retries: deque[_Task[Item]] = deque()

    def _start(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(  # type: ignore[attr-defined]
            target=_serve, args=(child, self._function), daemon=True
        )
        process.start()
        child.close()
        return _Worker(parent, process)

    def map(self, chunks: Iterator[list[Item]]) -> Iterator[Result]:
        """Every result, in the order of the items in ``chunks``."""
        positions = 0
        waiting_for = 0

        def next_task() -> _Task[Item] | None:
            nonlocal positions
            if self._retries:
                return self._retries.popleft()
            chunk = next(chunks, None)
            if chunk is None:
                return None
            positions += 1
            return _Task(positions - 1, chunk)

        def feed(worker: _Worker) -> bool:
            """Fill the worker's queue; False if it turned out dead (and was replaced)."""
            while len(worker.queued) < QUEUED_PER_WORKER:
                task = next_task()
                if task is None:
                    return True
                worker.queued.append(task)
                try:
                    worker.connection.send(task.items)
                except OSError:  # it died since its last result: its tasks move on
                    self._replace(worker)
                    return False
            return True

        def feed_all() -> None:
            index = 0
            while index < len(self._workers):
                if feed(self._workers[index]):
                    index += 1  # else the replacement at this index is fed next

        feed_all()
        while True:
            while waiting_for in self._done:
                yield from self._done.pop(waiting_for)
                waiting_for += 1
            busy = {w.connection: w for w in self._workers if w.queued}
            if not busy:
                if waiting_for != positions:  # every chunk handed out comes back
                    raise WorkerError(f"{positions - waiting_for} chunk(s) never came back")
                return
            for connection in wait(list(busy)):
                worker = busy[connection]  # type: ignore[index]
                try:
                    results = worker.connection.recv()
                except (EOFError, OSError):
                    self._replace(worker)
                    continue
                if isinstance(results, _Raised):
                    raise WorkerError(results.traceback)
                self._finish(worker.queued.popleft(), results)
            feed_all()

    def _finish(self, task: _Task[Item], results: list[Result]) -> None:
        if task.slot is None:
            self._done[task.position] = results
            return
        slots = self._split[task.position]
        slots[task.slot] = results[0]
        if all(slot is not None for slot in slots):
            del self._split[task.position]
            self._done[task.position] = [slot for slot in slots if slot is not None]

    def _replace(self, dead: _Worker) -> None:
        """A worker died linting its first queued task: that chunk is linted again item
        by item in a new worker, and an item that was already alone is the cause
        (``on_crash`` stands in for it). Tasks queued behind it go on as they are."""
        dead.connection.close()
        dead.process.join(timeout=1)
        for index, task in enumerate(dead.queued):
            if index > 0:
                self._retries.append(task)
            elif task.slot is not None:
                self._finish(task, [self._on_crash(task.items[0])])
            else:
                self._split[task.position] = [None] * len(task.items)
                self._retries.extend(
                    _Task(task.position, [item], slot) for slot, item in enumerate(task.items)
                )
        self._workers[self._workers.index(dead)] = self._start()

    def __enter__(self) -> ChunkPool[Item, Result]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for worker in self._workers:
            with contextlib.suppress(OSError):  # a worker that died has no pipe left
                worker.connection.send(None)
            worker.connection.close()
        for worker in self._workers:
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.process.terminate()

"""Grammars, parsers and compiled queries, each made once per process.

``Query`` objects cannot be pickled and cost real time to compile, so they are
compiled lazily per (language, pattern set) and kept for the life of the
process; worker processes fork after the parent has compiled them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported on first parse: a warm, cached run never loads tree-sitter
    import tree_sitter as ts


@cache
def language(name: str) -> ts.Language:
    import tree_sitter as ts

    if name == "typescript":
        import tree_sitter_typescript as tst

        return ts.Language(tst.language_typescript())
    if name == "tsx":
        import tree_sitter_typescript as tst

        return ts.Language(tst.language_tsx())
    if name == "javascript":
        import tree_sitter_javascript as tsj

        return ts.Language(tsj.language())
    raise ValueError(f"no grammar for {name!r}")


@cache
def parser(name: str) -> ts.Parser:
    import tree_sitter as ts

    return ts.Parser(language(name))


class ParseTimeout(Exception):
    """tree-sitter's error recovery can take minutes on some hostile inputs."""


CHUNK = 1 << 16


def parse_budget(size: int) -> float:
    """Seconds a parse may take: generous for real files (tree-sitter parses
    several MB a second), bounded for pathological ones."""
    return 10.0 + 2.0 * size / 1_000_000


def parse(
    name: str, data: bytes, budget: float | None = None, *, keep_source: bool = True
) -> ts.Tree:
    """Parse ``data``; raise ``ParseTimeout`` past the time budget.

    The progress callback that can cancel a parse only runs when tree-sitter reads
    through a callback, so the bytes are handed over in chunks. With
    ``keep_source=False`` the tree's ``node.text`` reads through that callback, a
    slice copy per node: the engine reads node text from the bytes instead
    (``semantics.source_text``) and saves the re-parse below."""
    limit = parse_budget(len(data)) if budget is None else budget
    deadline = time.monotonic() + limit

    def read(offset: int, _point: object) -> bytes:
        return data[offset : offset + CHUNK]

    # asked every few hundred bytes: the clock and the deadline are bound locals
    def cancel(_offset: int, _has_error: bool, now: Callable[[], float] = time.monotonic) -> bool:
        return now() > deadline

    active = parser(name)
    try:
        tree = active.parse(read, progress_callback=cancel)
    except ValueError as exc:  # tree-sitter reports a cancelled parse this way
        active.reset()
        raise ParseTimeout(f"parsing took longer than {limit:.0f} s; the file was skipped") from exc
    if not keep_source:
        return tree
    # A tree read through a callback fetches every ``node.text`` through it again;
    # re-parsing the bytes with the finished tree as the old one reuses it whole
    # (cheap, not free) and gives a tree that holds its source.
    return active.parse(data, old_tree=tree)


@cache
def query(name: str, source: str) -> ts.Query:
    import tree_sitter as ts

    return ts.Query(language(name), source)

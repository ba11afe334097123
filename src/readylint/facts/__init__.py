"""Facts: what the file pass learns about a file for the project rules.

Facts are plain data (dicts of str/int/bool/None and lists of them) so they
pickle across processes and serialise into the cache. Each extractor module
in this package contributes facts of some kinds; a project rule names the
extractors it needs (``facts = ("http",)``) and reads only the merged facts,
never a tree.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from readylint import needles as needle_index

if TYPE_CHECKING:
    from readylint.findings import Span
    from readylint.rule import FileContext

Fact = dict[str, Any]
FileFacts = dict[str, list[Fact]]
Extractor = Callable[["FileContext", "Placer"], FileFacts]

# extractor name -> (module, captures it needs)
EXTRACTORS: dict[str, str] = {"http": "readylint.facts.http", "data": "readylint.facts.data"}


class Placer:
    """Turns nodes into the plain ``place`` dicts facts carry."""

    def __init__(self, path: str, to_span: Callable[[int, int], Span]) -> None:
        self.path = path
        self._to_span = to_span

    def __call__(self, start: int, end: int) -> Fact:
        span = self._to_span(start, end)
        return {
            "path": self.path,
            "line": span.line,
            "col": span.col,
            "col16": span.col16,
            "end_line": span.end_line,
            "end_col": span.end_col,
            "end_col16": span.end_col16,
        }

    def node(self, node: Any) -> Fact:
        return self(node.start_byte, node.end_byte)


@cache
def _module(name: str) -> Any:
    return importlib.import_module(EXTRACTORS[name])


@cache
def extractor_captures(names: tuple[str, ...]) -> tuple[str, ...]:
    captures: set[str] = set()
    for name in names:
        captures.update(_module(name).CAPTURES)
    return tuple(sorted(captures))


@cache
def _needle_keys(name: str) -> frozenset[str]:
    return needle_index.keys(_module(name).NEEDLES)


def wanted(names: Iterable[str], mentions: needle_index.Mentions) -> tuple[str, ...]:
    """The extractors whose needles the file mentions (the others have nothing to do)."""
    return tuple(name for name in names if mentions.any_key(_needle_keys(name)))


def extract(names: Iterable[str], ctx: FileContext, placer: Placer) -> FileFacts:
    """Facts of one file, from the extractors whose needles the file mentions."""
    merged: FileFacts = {}
    for name in wanted(sorted(set(names)), ctx.mentions):
        for kind, items in _module(name).extract(ctx, placer).items():
            merged.setdefault(kind, []).extend(items)
    return merged


@dataclass
class ProjectFacts:
    """Every file's facts, merged by kind; ``files`` lists the paths linted."""

    by_kind: dict[str, list[Fact]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    # analyses of the merged facts that several project rules share (not facts)
    analyses: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def add(self, path: str, facts: FileFacts) -> None:
        self.files.append(path)
        for kind, items in facts.items():
            self.by_kind.setdefault(kind, []).extend({**item, "file": path} for item in items)

    def __getitem__(self, kind: str) -> list[Fact]:
        return self.by_kind.get(kind, [])

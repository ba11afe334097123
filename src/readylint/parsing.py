"""Grammars, parsers and compiled queries, each made once per process.

``Query`` objects cannot be pickled and cost real time to compile, so they are
compiled lazily per (language, pattern set) and kept for the life of the
process; worker processes fork after the parent has compiled them.
"""

from __future__ import annotations

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


def parse(name: str, data: bytes) -> ts.Tree:
    return parser(name).parse(data)


@cache
def query(name: str, source: str) -> ts.Query:
    import tree_sitter as ts

    return ts.Query(language(name), source)

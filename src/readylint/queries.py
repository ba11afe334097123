"""The shared capture vocabulary rules ask for.

Rules name the kinds of nodes they need (``captures = ("call", "pair")``); the
engine compiles one query per language holding only the requested kinds, runs
it once per file with a ``QueryCursor`` and hands every rule the same capture
lists. A few generic patterns and Python dispatch on the callee text are much
cheaper to compile than one pattern per rule, and no rule walks the tree node
by node.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from itertools import accumulate
from operator import attrgetter
from typing import TYPE_CHECKING

from readylint import parsing

if TYPE_CHECKING:
    from tree_sitter import Node, Query

# capture name -> node types (types missing from a grammar are dropped)
CAPTURE_TYPES: dict[str, tuple[str, ...]] = {
    "call": ("call_expression",),
    "new": ("new_expression",),
    "string": ("string",),
    "template": ("template_string",),
    "pair": ("pair",),
    "object": ("object",),
    "array": ("array",),
    "member": ("member_expression",),
    "subscript": ("subscript_expression",),
    "assignment": ("assignment_expression", "augmented_assignment_expression", "update_expression"),
    "declarator": ("variable_declarator",),
    "binary": ("binary_expression",),
    "ternary": ("ternary_expression",),
    "class": ("class_declaration", "abstract_class_declaration", "class"),
    "field": ("public_field_definition", "field_definition"),
    "method": ("method_definition",),
    "function": (
        "function_declaration",
        "generator_function_declaration",
        "function_expression",
        "function",
        "arrow_function",
        "method_definition",
    ),
    "decorator": ("decorator",),
    "import": ("import_statement",),
    "export": ("export_statement",),
    "catch": ("catch_clause",),
    "comment": ("comment",),
    "return": ("return_statement",),
    "throw": ("throw_statement",),
    "await": ("await_expression",),
    "loop": (
        "for_statement",
        "for_in_statement",
        "while_statement",
        "do_statement",
    ),
    "regex": ("regex",),
    "literal_type": ("literal_type",),
    "enum": ("enum_declaration",),
}

# what the evaluator and binding index need in every file that is analysed
SEMANTIC_CAPTURES = ("import", "declarator", "function", "assignment")

# Capture sets are rounded up to one of these tiers, each the one before plus a few
# kinds, so a process compiles a handful of queries per language instead of one per
# combination of active rules (34 on an npm corpus at ~1.3 ms each, in every worker:
# as much as parsing a small project). The kinds added first are rare or cheap to
# capture; binary and ternary expressions, numerous and wanted by one rule, come last.
TIERS: tuple[frozenset[str], ...] = tuple(
    frozenset(kinds)
    for kinds in accumulate(
        (
            SEMANTIC_CAPTURES,
            ("call", "new", "class", "decorator"),
            ("pair", "field", "subscript", "export"),
            ("method", "object"),
            ("binary", "ternary"),
        )
    )
)


def query_kinds(needed: Iterable[str]) -> tuple[str, ...]:
    """The capture kinds to query for ``needed``: the smallest tier that holds them,
    plus any kind no tier has."""
    wanted = frozenset(needed)
    tiered = wanted & TIERS[-1]
    tier = next(t for t in TIERS if tiered <= t)
    return tuple(sorted(tier | wanted))


@cache
def compiled(language: str, names: tuple[str, ...]) -> tuple[Query, tuple[str, ...]] | None:
    """One query for ``names`` in ``language``, compiled once per process."""
    lang = parsing.language(language)
    patterns = []
    for name in names:
        for node_type in CAPTURE_TYPES[name]:
            if lang.id_for_node_kind(node_type, True):
                patterns.append(f"({node_type}) @{name}")
    if not patterns:
        return None
    return parsing.query(language, "\n".join(patterns)), names


_START = attrgetter("start_byte")
_END = attrgetter("end_byte")


def in_document_order(nodes: list[Node]) -> list[Node]:
    """``nodes`` by start, and outer before inner where they start together (``a.b.c``
    before ``a.b``). tree-sitter returns captures in no useful order, and a rule's
    results must not depend on which other rules shaped the query.

    Sorting on plain int keys takes CPython's fast path; a (start, -end) tuple key
    costs several times more, so ties are put right afterwards, where there are any."""
    ordered = sorted(nodes, key=_START)
    starts = list(map(_START, ordered))
    if len(set(starts)) == len(starts):
        return ordered
    position = 1
    count = len(starts)
    while position < count:
        if starts[position] != starts[position - 1]:
            position += 1
            continue
        first = position - 1
        while position < count and starts[position] == starts[first]:
            position += 1
        ordered[first:position] = sorted(ordered[first:position], key=_END, reverse=True)
    return ordered


def holding(
    nodes: list[Node], starts: list[int], keep: Callable[[Node], bool] | None = None
) -> list[Node]:
    """The ``nodes`` of a capture list (document order) whose source holds one of the
    sorted offsets ``starts`` (where a rule's words begin, ``Mentions.starts``), and
    those ``keep`` takes. One walk along both lists: a rule that needs a word inside a
    node rules out nearly every node by its byte range alone."""
    count = len(starts)
    at = 0
    held: list[Node] = []
    for node in nodes:
        start = node.start_byte
        while at < count and starts[at] < start:
            at += 1
        if (at < count and starts[at] < node.end_byte) or (keep is not None and keep(node)):
            held.append(node)
    return held


def run(language: str, names: tuple[str, ...], root: Node) -> dict[str, list[Node]]:
    """Capture lists by name, each in document order."""
    import tree_sitter as ts

    from readylint.semantics import reset_parent_cache

    reset_parent_cache()  # a new tree: the per-node memos of the last one are void
    result: dict[str, list[Node]] = {name: [] for name in names}
    compiled_query = compiled(language, names)
    if compiled_query is None:
        return result
    found = ts.QueryCursor(compiled_query[0]).captures(root)
    for name, nodes in found.items():
        result[name] = in_document_order(nodes)
    return result

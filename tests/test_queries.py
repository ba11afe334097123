"""The capture pass: capture lists in document order, and the per-file call index."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from readylint import parsing, queries
from readylint.config import Config
from readylint.discovery import discover
from readylint.engine import build_settings, lint_file, select_rules
from readylint.semantics import CallIndex, node_text

ROOT = Path(__file__).resolve().parents[1]

CODE = b"""
import a from 'a';
a.b.c(x.y.z);
f(1)(2)(3);
logger.info('x'); console.log(a.b); db.query(sql);
import b from 'b';
"""


def capture(names: tuple[str, ...]) -> dict[str, list]:
    tree = parsing.parse("typescript", CODE)
    return queries.run("typescript", names, tree.root_node)


def test_captures_come_in_document_order_outer_first() -> None:
    found = capture(("call", "import", "member"))
    for nodes in found.values():
        keys = [(n.start_byte, -n.end_byte) for n in nodes]
        assert keys == sorted(keys)
    calls = [node_text(c) for c in found["call"]]
    assert calls[:4] == ["a.b.c(x.y.z)", "f(1)(2)(3)", "f(1)(2)", "f(1)"]
    assert [node_text(m) for m in found["member"]][:4] == ["a.b.c", "a.b", "x.y.z", "x.y"]


def test_order_does_not_depend_on_the_other_captures_asked_for() -> None:
    alone = capture(("call",))["call"]
    together = capture(tuple(sorted(queries.CAPTURE_TYPES)))["call"]
    assert [c.byte_range for c in alone] == [c.byte_range for c in together]


def test_call_index_by_callee_name() -> None:
    index = CallIndex(capture(("call",))["call"])
    assert [node_text(c) for c in index.named("info", "log")] == [
        "logger.info('x')",
        "console.log(a.b)",
    ]
    assert [node_text(c) for c in index.named("query")] == ["db.query(sql)"]
    assert index.named("missing") == []
    # f(1)(2) calls a call: its callee has no name
    assert [node_text(c) for c in index.named("")] == ["f(1)(2)(3)", "f(1)(2)"]
    assert [node_text(c) for c in index.matching(lambda n: n.startswith("c"))] == ["a.b.c(x.y.z)"]


def test_the_engine_reads_node_text_from_the_bytes_not_through_the_parse_callback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The engine's trees are parsed without their bytes (no re-parse): a ``node.text``
    anywhere in rules or facts would read through the parse callback, a slice copy per
    node. Every fixture and the example are linted, and no read may come after a parse."""
    late: list[str] = []
    parse = parsing.parse

    def watched_parse(name: str, data: bytes, budget: float | None = None, **kw: Any) -> Any:
        done = False

        def read(offset: int, _point: object) -> bytes:
            if done:
                late.append(name)
            return data[offset : offset + parsing.CHUNK]

        tree = parsing.parser(name).parse(read)
        done = True
        return tree if not kw.get("keep_source", True) else parse(name, data, budget)

    monkeypatch.setattr(parsing, "parse", watched_parse)
    config = Config()
    rules = select_rules(config)
    settings = build_settings(config, rules)
    settings.fact_extractors = tuple(
        sorted({f for r in rules if r.scope == "project" for f in r.facts})
    )
    linted = 0
    for root in (ROOT / "tests" / "fixtures", ROOT / "examples"):
        for candidate in discover([root]).files:
            linted += lint_file(candidate, settings).linted
    assert linted > 100
    assert late == []


def test_capture_sets_round_up_to_a_few_tiers() -> None:
    """Any combination of active rules queries one of a handful of kind sets, so a
    process compiles a few queries per language; each holds what was asked for."""
    for needed in (
        queries.SEMANTIC_CAPTURES,
        ("call", "import"),
        ("call", "pair"),
        ("method", "call"),
        ("binary",),
    ):
        kinds = queries.query_kinds(needed)
        assert set(needed) <= set(kinds)
        assert frozenset(kinds) in queries.TIERS
    assert queries.query_kinds(("call",)) == queries.query_kinds(("new", "class"))
    # a kind no tier knows is added to the smallest tier that holds the rest
    assert set(queries.query_kinds(("string", "call"))) == {"string"} | queries.TIERS[1]


def test_holding_keeps_the_nodes_whose_source_holds_an_offset() -> None:
    calls = capture(("call",))["call"]
    starts = sorted(CODE.index(word) for word in (b"z)", b"query"))
    held = queries.holding(calls, starts)
    assert [node_text(c) for c in held] == ["a.b.c(x.y.z)", "db.query(sql)"]
    assert queries.holding(calls, []) == []
    kept = queries.holding(calls, starts, keep=lambda c: node_text(c).startswith("f(1)(2)("))
    assert [node_text(c) for c in kept] == ["a.b.c(x.y.z)", "f(1)(2)(3)", "db.query(sql)"]

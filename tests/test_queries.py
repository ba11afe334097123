"""The capture pass: capture lists in document order, and the per-file call index."""

from __future__ import annotations

from readylint import parsing, queries
from readylint.semantics import CallIndex, node_text

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

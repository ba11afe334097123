"""SEC009 sql-injection: raw SQL built from values that are not constant."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from readylint.findings import Level
from readylint.patterns import is_request_input
from readylint.rule import FileContext, Report, Rule
from readylint.semantics import Semantics, call_function, node_text, unwrap
from readylint.sql import SqlSink, SqlTaint, is_sink_method, looks_like_sql, sql_sink

if TYPE_CHECKING:
    from tree_sitter import Node

FIX = "pass the value as a bound parameter ($1, ?, :name) instead"
MAX_SHOWN = 40


class SqlInjection(Rule):
    code = "SEC009"
    name = "sql-injection"
    angle = "security"
    level = Level.ERROR
    summary = "raw SQL is built from values that are not constant"
    tags = ("security", "sql", "injection", "external/cwe/cwe-89")
    precision = "high"
    security_severity = 9.8
    captures = ("call",)
    # every sink names one of these: query/execute, knex *Raw, a QueryBuilder or `qb`
    needles = (b"query", b"execute", b"raw", b"builder", b"qb")

    def check(self, ctx: FileContext) -> Iterator[Report]:
        calls = ctx.calls.matching(is_sink_method)
        if not calls:
            return
        sem = ctx.semantics
        taint = SqlTaint(sem, ctx.calls, ctx.captures["assignment"])
        for call in calls:
            sink = sql_sink(sem, call)
            if sink is not None:
                yield from self._check_sink(sem, taint, sink)

    def _check_sink(self, sem: Semantics, taint: SqlTaint, sink: SqlSink) -> Iterator[Report]:
        for text in sink.arguments:
            status = taint.status(text)
            if status.kind == "opaque" and is_request_input(sem, text):
                yield Report(
                    _call_start(sink.call),
                    f"{_callee(sink)}() runs SQL taken whole from the request "
                    f"({_shown(text)}), so the client chooses the statement; run fixed SQL "
                    "and pass request values as bound parameters",
                )
                return
            if not status.unsafe:
                continue
            if sink.needs_sql_shape and not looks_like_sql(status.text):
                continue  # a `client`/`db` whose text does not read as SQL: not ours to judge
            yield Report(
                _call_start(sink.call),
                f"{_callee(sink)}() runs SQL built from {_shown(status.parts[0])}"
                f"{_how(text)}, so a crafted value can rewrite the statement; {FIX}",
            )
            return  # one finding per call


def _call_start(call: Node) -> tuple[int, int]:
    """Where "the call" starts for a reader: the receiver for ``pool.query(…)``,
    the method name for a chained ``.where(…)`` (so each link is its own place)."""
    fn = call_function(call)
    receiver = unwrap(fn.child_by_field_name("object")) if fn is not None else None
    prop = fn.child_by_field_name("property") if fn is not None else None
    if receiver is None or prop is None or _is_plain_path(receiver):
        return (call.start_byte, call.end_byte)
    return (prop.start_byte, call.end_byte)


def _is_plain_path(node: Node) -> bool:
    """``pool``, ``this.dataSource``, ``db.sequelize``: no call in between."""
    current: Node | None = node
    for _ in range(16):
        current = unwrap(current)
        if current is None:
            return False
        if current.type in ("identifier", "this"):
            return True
        if current.type != "member_expression":
            return False
        current = current.child_by_field_name("object")
    return False


def _callee(sink: SqlSink) -> str:
    fn = call_function(sink.call)
    receiver = unwrap(fn.child_by_field_name("object")) if fn is not None else None
    if receiver is not None and _is_plain_path(receiver):
        return f"{node_text(receiver)}.{sink.method}"
    return f".{sink.method}"


def _shown(part: Node) -> str:
    text = " ".join(node_text(part).split())
    if len(text) > MAX_SHOWN:
        text = text[: MAX_SHOWN - 1] + "…"
    return f"`{text}`"


def _how(text: Node) -> str:
    node = unwrap(text)
    if node is not None and node.type == "template_string":
        return " in a template literal"
    if node is not None and node.type == "binary_expression":
        return " by concatenation"
    return ""

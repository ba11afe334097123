"""OPS001 migration-without-down: a TypeORM migration that cannot be rolled back."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from readylint.findings import Level
from readylint.migrations import Migration, migration
from readylint.rule import FileContext, Report, Rule
from readylint.semantics import call_arguments, call_name, node_text, unwrap

if TYPE_CHECKING:
    from tree_sitter import Node

FIX = "write a down() that undoes what up() does"
LOGGER = re.compile(r"^(console|(this\.)?_?logger|log)\.\w+$", re.I)
# what a down() body holds when it does nothing, by kind
EMPTY, RETURNS, THROWS, LOGS = "empty", "return", "throw", "log"


class MigrationWithoutDown(Rule):
    code = "OPS001"
    name = "migration-without-down"
    angle = "operations"
    level = Level.ERROR
    summary = "TypeORM migration has no working down(), so it cannot be rolled back"
    tags = ("operations", "migrations", "typeorm")
    precision = "high"
    captures = ("class",)
    needles = (b"MigrationInterface", b"unner", b"qr")

    def check(self, ctx: FileContext) -> Iterator[Report]:
        for cls in ctx.captures["class"]:
            found = migration(cls, ctx.source.path)
            if found is not None:
                yield from self._check_migration(found)

    def _check_migration(self, found: Migration) -> Iterator[Report]:
        label = f"migration {found.name}" if found.name else "this migration"
        if found.down is None:
            if found.extends:
                return  # the base class may define down(): unknown
            yield Report(
                found.name_node,
                f"{label} has no down(), so it cannot be rolled back after a bad deploy; {FIX}",
            )
            return
        kind = _does_nothing(found.down)
        if kind is None:
            return
        if found.up is not None and _does_nothing(found.up) is not None:
            return  # an empty migration has nothing to undo
        yield Report(
            found.name_node, f"{label} {_describe(kind)}, so it cannot be rolled back; {FIX}"
        )


def _describe(kind: str) -> str:
    return {
        EMPTY: "has an empty down()",
        RETURNS: "has a down() that only returns",
        THROWS: "has a down() that only throws",
        LOGS: "has a down() that only logs",
    }[kind]


def _does_nothing(function: Node) -> str | None:
    """How a method body does nothing (empty, only returns, throws or logs), or None."""
    body = function.child_by_field_name("body")
    if body is None:
        return EMPTY  # a signature without a body
    if body.type != "statement_block":
        return None  # an arrow with an expression body does that expression
    kinds = set()
    for statement in body.named_children:
        kind = _trivial_statement(statement)
        if kind is None:
            return None
        kinds.add(kind)
    kinds.discard(EMPTY)
    for kind in (THROWS, RETURNS, LOGS):
        if kind in kinds:
            return kind
    return EMPTY


def _trivial_statement(statement: Node) -> str | None:
    if statement.type in ("comment", "empty_statement"):
        return EMPTY
    if statement.type == "throw_statement":
        return THROWS
    if statement.type == "return_statement":
        returned = unwrap(statement.named_children[0]) if statement.named_children else None
        return RETURNS if returned is None or _is_nothing(returned) else None
    if statement.type == "expression_statement" and statement.named_children:
        expression = unwrap(statement.named_children[0])
        if expression is not None and expression.type == "await_expression":
            expression = unwrap(expression.named_children[0]) if expression.named_children else None
        if (
            expression is not None
            and expression.type == "call_expression"
            and LOGGER.match(call_name(expression))
        ):
            return LOGS
    return None


def _is_nothing(node: Node) -> bool:
    """``undefined``, ``null``, ``Promise.resolve()``: a return that returns nothing."""
    if node.type in ("undefined", "null") or node_text(node) == "undefined":
        return True
    if node.type == "call_expression" and call_name(node) == "Promise.resolve":
        args = call_arguments(node)
        return not args or all(_is_nothing(unwrap(a) or a) for a in args)
    return False

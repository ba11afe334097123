"""DAT003 transaction-without-rollback: a query runner transaction with no rollback or release."""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from typing import TYPE_CHECKING

from readylint import typeorm
from readylint.findings import Level
from readylint.patterns import descendants
from readylint.rule import FileContext, Report, Rule
from readylint.semantics import (
    FUNCTION_TYPES,
    call_arguments,
    call_receiver,
    member_name,
    node_text,
    parent_of,
    unwrap,
)

if TYPE_CHECKING:
    from tree_sitter import Node

    from readylint.typeorm import TypeOrmFile

# callbacks that run when a promise chain or an rxjs pipe fails / settles
CATCH_CALLBACKS = frozenset({"catch", "catchError"})
FINALLY_CALLBACKS = frozenset({"finally", "finalize"})


class TransactionWithoutRollback(Rule):
    code = "DAT003"
    name = "transaction-without-rollback"
    angle = "data"
    level = Level.ERROR
    summary = "a query runner transaction without rollback in catch or release() in finally"
    tags = ("data-integrity", "typeorm", "transactions", "resource-leak")
    precision = "high"
    captures = typeorm.CAPTURES
    needles = typeorm.NEEDLES

    def check(self, ctx: FileContext) -> Iterator[Report]:
        orm = typeorm.analyse(ctx)
        calls = ctx.captures.get("call", [])
        starts = [c.start_byte for c in calls]
        verdicts: dict[tuple[int, str], tuple[bool, bool] | None] = {}
        for start, runner, method in orm.runner_calls:
            if method != "startTransaction":
                continue
            function = typeorm.owner_function(start) or typeorm.root_of(start)
            key = (function.id, runner)
            if key not in verdicts:
                low = bisect.bisect_left(starts, function.start_byte)
                high = bisect.bisect_right(starts, function.end_byte)
                verdicts[key] = _verdict(orm, start, runner, function, calls[low:high])
            verdict = verdicts[key]
            if verdict is not None and not all(verdict):
                yield Report(start, _message(runner, *verdict))


def _verdict(
    orm: TypeOrmFile, start: Node, runner: str, function: Node, inside: list[Node]
) -> tuple[bool, bool] | None:
    """(rolls back in a catch, releases in a finally) for a runner in a function;
    None when the function only begins a transaction that is ended elsewhere."""
    own = [
        (call, method)
        for call, name, method in orm.runner_calls
        if name == runner
        and function.start_byte <= call.start_byte
        and call.end_byte <= function.end_byte
    ]
    commits = any(method == "commitTransaction" for _, method in own)
    if not commits and (not _created_in(orm, start, function) or _escapes(runner, function)):
        return None  # a unit of work or a factory: begun here, ended by its caller
    rolls_back = any(
        method == "rollbackTransaction"
        and (_in_handler(call, function, "catch") or _in_handler(call, function, "finally"))
        for call, method in own
    ) or _handed_to_helper(inside, runner, function, "catch")
    releases = any(
        method == "release" and _in_handler(call, function, "finally") for call, method in own
    ) or _handed_to_helper(inside, runner, function, "finally")
    return rolls_back, releases


def _message(runner: str, rolls_back: bool, releases: bool) -> str:
    text = f"{runner}.startTransaction()"
    if not rolls_back and not releases:
        return (
            f"{text} has neither rollbackTransaction() in a catch nor release() in a finally, "
            "so a failed write leaves the transaction open and its connection out of the pool; "
            "roll back in catch and release the runner in finally"
        )
    if not rolls_back:
        return (
            f"{text} has no rollbackTransaction() in a catch, so a failed write leaves the "
            f"transaction open on its connection; call {runner}.rollbackTransaction() in a "
            "catch block"
        )
    return (
        f"{text} has no release() in a finally, so every error leaks a pooled connection; "
        f"call {runner}.release() in a finally block"
    )


def _created_in(orm: TypeOrmFile, start: Node, function: Node) -> bool:
    """Is the runner made by ``createQueryRunner()`` in this function?"""
    receiver = unwrap(call_receiver(start))
    if receiver is None or receiver.type != "identifier":
        return False
    declarator = orm.sem.binding_of(receiver)
    return (
        declarator is not None
        and function.start_byte <= declarator.start_byte <= function.end_byte
        and "createQueryRunner" in node_text(declarator.child_by_field_name("value"))
    )


def _escapes(runner: str, function: Node) -> bool:
    """Is the runner returned or stored (``return queryRunner``, ``req.qr = queryRunner``)?"""
    for node in descendants(function):
        if node.type == "return_statement" and any(
            n.type in ("identifier", "shorthand_property_identifier") and node_text(n) == runner
            for n in descendants(node, 200)
        ):
            return True
        if node.type == "assignment_expression":
            right = unwrap(node.child_by_field_name("right"))
            if right is not None and node_text(right) == runner:
                return True
    return False


def _in_handler(call: Node, function: Node, kind: str) -> bool:
    """Is ``call`` in a catch clause (``kind='catch'``) or finally clause, or in a
    ``.catch()``/``.finally()`` (or rxjs ``catchError``/``finalize``) callback?"""
    clause = "catch_clause" if kind == "catch" else "finally_clause"
    names = CATCH_CALLBACKS if kind == "catch" else FINALLY_CALLBACKS
    for parent in typeorm.ancestors(call):
        if parent == function:
            return False
        if parent.type == clause:
            return True
        if parent.type in FUNCTION_TYPES and _is_handler_callback(parent, names, kind):
            return True
    return False


def _is_handler_callback(function: Node, names: frozenset[str], kind: str) -> bool:
    arguments = parent_of(function)
    call = parent_of(arguments) if arguments is not None else None
    if arguments is None or arguments.type != "arguments" or call is None:
        return False
    method = member_name(call)
    if method in names:
        return True
    args = call_arguments(call)
    # promise.then(onDone, onError): the second callback handles the failure
    return kind == "catch" and method == "then" and len(args) > 1 and args[1] == function


def _handed_to_helper(calls: list[Node], runner: str, function: Node, kind: str) -> bool:
    """``catch (e) { await this.rollback(queryRunner) }``: a helper we cannot see may
    roll back or release; unknown is never a finding."""
    for call in calls:
        if any(node_text(arg) == runner for arg in call_arguments(call)) and _in_handler(
            call, function, kind
        ):
            return True
    return False

"""DAT003 transaction-without-rollback: a query runner transaction with no rollback or release."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from readylint import typeorm
from readylint.findings import Level
from readylint.rule import FileContext, Report, Rule
from readylint.semantics import (
    FUNCTION_TYPES,
    ancestors,
    call_arguments,
    call_receiver,
    member_name,
    node_text,
    unwrap,
)

if TYPE_CHECKING:
    from tree_sitter import Node

    from readylint.typeorm import Scope, TypeOrmFile

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
    needles = (b"startTransaction",)

    def check(self, ctx: FileContext) -> Iterator[Report]:
        orm = typeorm.analyse(ctx)
        calls = ctx.captures.get("call", [])
        for scope in orm.scopes:
            if scope.kind != "query_runner" or scope.call is None or scope.runner is None:
                continue
            report = self._check_start(orm, scope, calls)
            if report is not None:
                yield report

    def _check_start(self, orm: TypeOrmFile, scope: Scope, calls: list[Node]) -> Report | None:
        start = scope.call
        assert start is not None and scope.runner is not None
        function = typeorm.owner_function(start) or typeorm.root_of(start)
        inside = [
            c
            for c in calls
            if function.start_byte <= c.start_byte and c.end_byte <= function.end_byte
        ]
        runner = scope.runner
        on_runner = [c for c in inside if orm.runner_name(call_receiver(c)) == runner]
        methods = {member_name(c) for c in on_runner}
        if "commitTransaction" not in methods and not _created_in(orm, start, function):
            return None  # begun here, ended elsewhere (a unit of work): not this function's job
        rolls_back = any(
            member_name(c) == "rollbackTransaction" and _in_handler(c, function, "catch")
            for c in on_runner
        ) or _handed_to_helper(inside, runner, function, "catch")
        releases = any(
            member_name(c) == "release" and _in_handler(c, function, "finally") for c in on_runner
        ) or _handed_to_helper(inside, runner, function, "finally")
        if rolls_back and releases:
            return None
        text = f"{runner}.startTransaction()"
        if not rolls_back and not releases:
            message = (
                f"{text} has neither rollbackTransaction() in a catch nor release() in a "
                "finally, so a failed write leaves the transaction open and its connection out "
                "of the pool; roll back in catch and release the runner in finally"
            )
        elif not rolls_back:
            message = (
                f"{text} has no rollbackTransaction() in a catch, so a failed write leaves the "
                f"transaction open on its connection; call {runner}.rollbackTransaction() in a "
                "catch block"
            )
        else:
            message = (
                f"{text} has no release() in a finally, so every error leaks a pooled "
                f"connection; call {runner}.release() in a finally block"
            )
        return Report(start, message)


def _created_in(orm: TypeOrmFile, start: Node, function: Node) -> bool:
    """Is the runner made by ``createQueryRunner()`` in this function?"""
    receiver = unwrap(call_receiver(start))
    if receiver is None:
        return False
    if receiver.type == "identifier":
        declarator = orm.sem.binding_of(receiver)
        return (
            declarator is not None
            and function.start_byte <= declarator.start_byte <= function.end_byte
            and "createQueryRunner" in node_text(declarator.child_by_field_name("value"))
        )
    return False


def _in_handler(call: Node, function: Node, kind: str) -> bool:
    """Is ``call`` in a catch clause (``kind='catch'``) or finally clause, or in a
    ``.catch()``/``.finally()`` (or rxjs ``catchError``/``finalize``) callback?"""
    clause = "catch_clause" if kind == "catch" else "finally_clause"
    names = CATCH_CALLBACKS if kind == "catch" else FINALLY_CALLBACKS
    for parent in ancestors(call):
        if parent == function:
            return False
        if parent.type == clause:
            return True
        if parent.type in FUNCTION_TYPES and _is_handler_callback(parent, names, kind):
            return True
    return False


def _is_handler_callback(function: Node, names: frozenset[str], kind: str) -> bool:
    arguments = function.parent
    if arguments is None or arguments.type != "arguments" or arguments.parent is None:
        return False
    call = arguments.parent
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
        if not _in_handler(call, function, kind):
            continue
        if any(node_text(arg) == runner for arg in call_arguments(call)):
            return True
    return False

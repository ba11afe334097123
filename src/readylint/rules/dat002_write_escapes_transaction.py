"""DAT002 write-escapes-transaction: a write inside a transaction that does not go through it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from readylint import typeorm
from readylint.findings import Level
from readylint.rule import FileContext, Report, Rule

if TYPE_CHECKING:
    from readylint.typeorm import Scope, Write


class WriteEscapesTransaction(Rule):
    code = "DAT002"
    name = "write-escapes-transaction"
    angle = "data"
    level = Level.ERROR
    summary = "a write inside a transaction goes through another connection and is not rolled back"
    tags = ("data-integrity", "typeorm", "transactions")
    precision = "high"
    captures = typeorm.CAPTURES
    needles = typeorm.NEEDLES

    def check(self, ctx: FileContext) -> Iterator[Report]:
        for write, scope in typeorm.escaping_writes(ctx):
            yield Report(write.call, _message(write, scope))


def _message(write: Write, scope: Scope) -> str:
    if scope.kind == "query_runner":
        runner = scope.runner or "queryRunner"
        return (
            f"{write.label} runs after {scope.label} but not through {runner}.manager, so it "
            f"commits on its own connection and is not rolled back with the transaction; "
            f"write through {runner}.manager ({runner}.manager.{_method(write)}(…))"
        )
    if scope.manager is None:
        fix = "take the transaction's EntityManager parameter and write through it"
    elif write.entity is not None and write.kind not in (typeorm.QUERY_BUILDER, typeorm.RAW_QUERY):
        fix = (
            f"write through {scope.manager} "
            f"({scope.manager}.getRepository({write.entity}).{_method(write)}(…))"
        )
    else:
        fix = f"write through {scope.manager} ({scope.manager}.{_method(write)}(…))"
    return (
        f"{write.label} runs inside {scope.label} but not through its manager, so it commits "
        f"on its own and is not rolled back with the rest; {fix}"
    )


def _method(write: Write) -> str:
    if write.kind == typeorm.RAW_QUERY:
        return "query"
    if write.kind == typeorm.QUERY_BUILDER:
        return "createQueryBuilder"
    return write.method

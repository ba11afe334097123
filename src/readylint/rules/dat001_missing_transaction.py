"""DAT001 missing-transaction: one function writes several times outside one transaction."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from readylint import typeorm
from readylint.findings import Level
from readylint.rule import FileContext, Report, Rule

if TYPE_CHECKING:
    from tree_sitter import Node

    from readylint.typeorm import Scope, TypeOrmFile, Write

MAX_LISTED = 5
MAX_RELATED = 50
FIX = "run them in one dataSource.transaction() and write through its manager"


class MissingTransaction(Rule):
    code = "DAT001"
    name = "missing-transaction"
    angle = "data"
    level = Level.ERROR
    summary = "a function makes several database writes that are not in one transaction"
    tags = ("data-integrity", "typeorm", "transactions")
    precision = "high"
    captures = typeorm.CAPTURES
    needles = typeorm.NEEDLES

    def check(self, ctx: FileContext) -> Iterator[Report]:
        orm = typeorm.analyse(ctx)
        by_function: dict[int, tuple[Node, list[Write]]] = {}
        for write in orm.writes:
            function = typeorm.owner_function(write.call)
            if function is not None:
                by_function.setdefault(function.id, (function, []))[1].append(write)
        for function, writes in by_function.values():
            report = self._check_function(ctx, orm, function, writes)
            if report is not None:
                yield report

    def _check_function(
        self, ctx: FileContext, orm: TypeOrmFile, function: Node, writes: list[Write]
    ) -> Report | None:
        if typeorm.is_migration_method(function, ctx.source.path):
            return None  # TypeORM runs each migration in a transaction
        # a manager or runner handed in by the caller: the caller owns the transaction
        counted = [w for w in writes if not orm.caller_managed(w)]
        most, repeated = typeorm.count_paths(function, counted)
        if most < 2:
            return None
        if any(_covers(scope, counted) for scope in orm.scopes):
            return None
        if _has_escaping_writes(orm, function, writes):
            return None  # DAT002 reports the writes that leave the transaction
        listed = ", ".join(
            f"{w.label} (line {ctx.source.position(w.call.start_byte).line}"
            + (", in a loop)" if w.call.id in repeated else ")")
            for w in counted[:MAX_LISTED]
        )
        if len(counted) > MAX_LISTED:
            listed += f" and {len(counted) - MAX_LISTED} more"
        name_node, name = typeorm.function_name(function)
        return Report(
            name_node,
            f"{name} makes writes that are not in one transaction: {listed}; if one fails "
            f"the others stay committed, so {FIX}",
            related=tuple((w.call, f"write: {w.label}") for w in counted[:MAX_RELATED]),
        )


def _covers(scope: Scope, writes: list[Write]) -> bool:
    return all(scope.contains(w.call) for w in writes)


def _has_escaping_writes(orm: TypeOrmFile, function: Node, writes: list[Write]) -> bool:
    ids = {w.call.id for w in writes}
    return any(
        write.call.id in ids
        or (function.start_byte <= scope.start and scope.end <= function.end_byte)
        for write, scope in orm.escaping
    )

"""OPS003 destructive-migration: a migration's up() drops or empties data."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from readylint.findings import Level
from readylint.migrations import (
    RUNNER_NAME,
    Migration,
    enclosing_method,
    migration,
    runner_name,
)
from readylint.rule import FileContext, Report, Rule
from readylint.semantics import (
    Semantics,
    call_arguments,
    call_receiver,
    member_name,
    node_text,
    unwrap,
)
from readylint.values import Arr, Obj, Str, Template, Value

if TYPE_CHECKING:
    from tree_sitter import Node

DROP_METHODS = frozenset({"dropTable", "dropColumn", "dropColumns", "clearTable"})
QUERY_METHODS = frozenset({"query"})
CREATE_METHODS = frozenset({"createTable"})
WATCHED_METHODS = DROP_METHODS | QUERY_METHODS | CREATE_METHODS
FIX = (
    "take a backup first and drop it in a later release, once no deployed code reads it "
    "(expand/contract)"
)
FIX_ROWS = "take a backup first, or copy the rows aside instead of deleting them"
MAX_TEMPLATE_PARTS = 200

# -- a small SQL scanner: enough to name what a statement drops ----------------
_IDENT = r'(?:"[^"]*"|`[^`]*`|\[[^\]]*\]|[\w$]+)'
NAME = rf"{_IDENT}(?:\s*\.\s*{_IDENT})*"
_NOISE = re.compile(r"'(?:[^']|'')*'|--[^\n]*|/\*.*?\*/", re.S)
DROP_TABLE = re.compile(rf"\bDROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?({NAME}(?:\s*,\s*{NAME})*)", re.I)
TRUNCATE = re.compile(
    rf"(?:^|[\s;(])TRUNCATE\s+(?:TABLE\s+)?(?:ONLY\s+)?({NAME}(?:\s*,\s*{NAME})*)", re.I
)
ALTER_TABLE = re.compile(
    rf"\bALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?({NAME})(.*)", re.I | re.S
)
# ALTER TABLE actions that drop something other than a column (an index, a key, a
# default, NOT NULL): schema-only, no data is lost
NOT_A_COLUMN = (
    "CONSTRAINT|INDEX|KEY|FOREIGN|PRIMARY|CHECK|DEFAULT|NOT|IDENTITY|EXPRESSION|PARTITION|"
    "UNIQUE|PERIOD|SYSTEM|FULLTEXT|SPATIAL|TRIGGER|RULE|POLICY"
)
DROP_COLUMN = re.compile(
    rf"^DROP\s+(?:COLUMN\s+(?:IF\s+EXISTS\s+)?|(?!(?:{NOT_A_COLUMN}|COLUMN)\b))({NAME})", re.I
)
CREATE_TABLE = re.compile(
    rf"\bCREATE\s+(?:(?:GLOBAL\s+|LOCAL\s+)?(?:TEMPORARY|TEMP)\s+)?TABLE\s+"
    rf"(?:IF\s+NOT\s+EXISTS\s+)?({NAME})",
    re.I,
)
RENAME_TABLE = re.compile(rf"\bALTER\s+TABLE\s+({NAME})\s+RENAME\s+TO\s+({NAME})", re.I)
TABLE_CONSTRAINT = re.compile(r"(CONSTRAINT|PRIMARY|UNIQUE|FOREIGN|CHECK|KEY|INDEX)\b", re.I)
COPY_ROWS = re.compile(rf"\bINSERT\s+INTO\s+({NAME}).*?\bSELECT\b.*?\bFROM\s+({NAME})", re.I | re.S)


@dataclass(frozen=True)
class Loss:
    """What one statement or call destroys."""

    kind: str  # "table" | "column" | "rows"
    table: str  # '' when not a literal
    column: str = ""


def _quoted(names: list[str], noun: str) -> str:
    known = [f'"{n}"' for n in dict.fromkeys(names) if n]
    if not known:
        return f"a {noun}"
    return f"{noun}s {', '.join(known)}" if len(known) > 1 else f"{noun} {known[0]}"


def describe(losses: list[Loss]) -> str:
    """``drops columns "a", "b" of table "t", empties table "u"``: grouped by table."""
    phrases: dict[tuple[str, str], list[str]] = {}
    for loss in losses:
        phrases.setdefault((loss.kind, loss.table if loss.kind == "column" else ""), []).append(
            loss.column if loss.kind == "column" else loss.table
        )
    parts = []
    for (kind, table), names in phrases.items():
        if kind == "column":
            parts.append(f"drops {_quoted(names, 'column')} of {_quoted([table], 'table')}")
        elif kind == "rows":
            parts.append(f"empties {_quoted(names, 'table')}")
        else:
            parts.append(f"drops {_quoted(names, 'table')}")
    return ", ".join(parts[:3]) + (f" and {len(parts) - 3} more" if len(parts) > 3 else "")


class DestructiveMigration(Rule):
    code = "OPS003"
    name = "destructive-migration"
    angle = "operations"
    level = Level.WARNING
    summary = "migration up() drops or truncates a table or column"
    tags = ("operations", "migrations", "typeorm", "data-loss")
    precision = "high"
    captures = ("class", "call")
    needles = (b"drop", b"clearTable", b"truncate")

    def check(self, ctx: FileContext) -> Iterator[Report]:
        migrations: dict[int, Migration] = {}  # by the id of its up() or down()
        for cls in ctx.captures["class"]:
            found = migration(cls, ctx.source.path)
            if found is not None and found.up is not None:
                for method in (found.up, found.down):
                    if method is not None:
                        migrations[method.id] = found
        if not migrations:
            return
        sem = ctx.semantics
        calls: dict[int, list[Node]] = {}  # method id -> the runner calls in it
        for call in ctx.calls.named(*WATCHED_METHODS):
            place = enclosing_method(call)
            if place is not None and place[1] in ("up", "down") and place[2].id in migrations:
                calls.setdefault(place[2].id, []).append(call)
        for found in dict.fromkeys(migrations.values()):
            assert found.up is not None
            down_calls = calls.get(found.down.id, []) if found.down is not None else []
            down_sql = "\n;\n".join(_runner_sql(sem, found.down, down_calls).values())
            yield from self._check_up(sem, found, calls.get(found.up.id, []), down_sql)

    def _check_up(
        self, sem: Semantics, found: Migration, calls: list[Node], down_sql: str
    ) -> Iterator[Report]:
        assert found.up is not None
        runner = runner_name(found.up)
        runner_calls = [c for c in calls if _on_runner(c, runner)]
        sql_of = _runner_sql(sem, found.up, runner_calls)
        all_sql = "\n;\n".join(sql_of.values())
        created: set[str] = set()
        for call in runner_calls:
            method = member_name(call)
            losses: list[Loss] = []
            if method in DROP_METHODS:
                losses = _method_losses(sem, call, method)
            elif call.id in sql_of:
                losses = _sql_losses(sql_of[call.id], all_sql, down_sql)
            losses = [loss for loss in losses if not _made_here(loss, created)]
            created |= _created_tables(sem, call, method, sql_of.get(call.id, ""))
            if losses:
                yield Report(call, _message(found, losses))


def _runner_sql(sem: Semantics, method: Node | None, calls: list[Node]) -> dict[int, str]:
    """Call id -> SQL text of each ``runner.query(sql)`` in a migration method."""
    if method is None:
        return {}
    runner = runner_name(method)
    found = {}
    for call in calls:
        if member_name(call) in QUERY_METHODS and _on_runner(call, runner):
            sql = _sql(sem, call)
            if sql:
                found[call.id] = sql
    return found


def _message(found: Migration, losses: list[Loss]) -> str:
    owner = f"migration {found.name}" if found.name else "this migration"
    fix = FIX if any(loss.kind != "rows" for loss in losses) else FIX_ROWS
    return f"up() of {owner} {describe(losses)}, deleting data that down() cannot bring back; {fix}"


def _on_runner(call: Node, runner: str) -> bool:
    """Is the call made on the migration's query runner (or its manager/connection)?"""
    receiver = call_receiver(call)
    root = receiver
    while root is not None and root.type == "member_expression":
        root = unwrap(root.child_by_field_name("object"))
    if root is None or root.type != "identifier":
        return False
    name = node_text(root)
    return name == runner or bool(RUNNER_NAME.search(name))


# -- TypeORM QueryRunner methods ---------------------------------------------------


def _method_losses(sem: Semantics, call: Node, method: str) -> list[Loss]:
    args = call_arguments(call)
    table = _object_name(sem, args[0]) if args else ""
    if method == "dropTable":
        return [Loss("table", table)]
    if method == "clearTable":
        return [Loss("rows", table)]
    if method == "dropColumn":
        column = _object_name(sem, args[1]) if len(args) > 1 else ""
        return [Loss("column", table, column)]
    columns = sem.value(args[1]) if len(args) > 1 else None
    if isinstance(columns, Arr) and columns.items and not columns.has_spread:
        return [Loss("column", table, _value_name(sem, item)) for item in columns.items]
    return [Loss("column", table)]


def _object_name(sem: Semantics, node: Node) -> str:
    """The name of a table or column argument: a string, or ``new Table({ name })``."""
    node = unwrap(node) or node
    if node.type == "new_expression":
        args = call_arguments(node)
        return _value_name(sem, sem.value(args[0])) if args else ""
    return _value_name(sem, sem.value(node))


def _value_name(sem: Semantics, value: Value) -> str:
    if isinstance(value, Str):
        return value.value
    if isinstance(value, Obj):
        name = value.get("name")
        return name.value if isinstance(name, Str) else ""
    if value.node is not None and value.node.type == "new_expression":
        return _object_name(sem, value.node)
    return ""


def _created_tables(sem: Semantics, call: Node, method: str, sql: str) -> set[str]:
    if method in CREATE_METHODS:
        args = call_arguments(call)
        name = _object_name(sem, args[0]) if args else ""
        return {_key(name)} if name else set()
    return {_key(m.group(1)) for m in CREATE_TABLE.finditer(sql)} if sql else set()


def _made_here(loss: Loss, created: set[str]) -> bool:
    """A table created earlier in the same up() holds no old data (a scratch table)."""
    return loss.kind in ("table", "rows") and bool(loss.table) and _key(loss.table) in created


# -- raw SQL -----------------------------------------------------------------------


def _sql(sem: Semantics, call: Node) -> str:
    """The SQL text of ``query(sql)``; substitutions become ``__sub__``."""
    args = call_arguments(call)
    if not args:
        return ""
    parts: list[str] = []
    _flatten(sem.value(args[0]), parts)
    return _NOISE.sub(lambda m: "''" if m.group(0).startswith("'") else " ", "".join(parts))


def _flatten(value: Value, parts: list[str]) -> None:
    stack = [value]
    while stack and len(parts) < MAX_TEMPLATE_PARTS:
        current = stack.pop()
        if isinstance(current, Str):
            parts.append(current.value)
        elif isinstance(current, Template):
            stack.extend(reversed(current.parts))
        else:
            parts.append("__sub__")


def _sql_losses(sql: str, all_sql: str, down_sql: str) -> list[Loss]:
    losses: list[Loss] = []
    for statement in sql.split(";"):
        for match in DROP_TABLE.finditer(statement):
            for name in _names(match.group(1)):
                copy = _rebuilt_from(name, all_sql)
                if copy is None:
                    losses.append(Loss("table", name))
                else:
                    losses.extend(_columns_lost_in_rebuild(name, copy, all_sql, down_sql))
        for match in TRUNCATE.finditer(statement):
            losses.extend(Loss("rows", name) for name in _names(match.group(1)))
        altered = ALTER_TABLE.search(statement)
        if altered is not None:
            table = _clean(altered.group(1))
            for action in _split_top_level(altered.group(2)):
                dropped = DROP_COLUMN.match(action.strip())
                if dropped is not None:
                    losses.append(Loss("column", table, _clean(dropped.group(1))))
    return losses


def _rebuilt_from(table: str, all_sql: str) -> str | None:
    """SQLite's table rebuild: the rows are copied into a new table that is then
    renamed to the old name. Returns the new table's name."""
    key = _key(table)
    for rename in RENAME_TABLE.finditer(all_sql):
        if _key(rename.group(2)) != key:
            continue
        source = _key(rename.group(1))
        for copy in COPY_ROWS.finditer(all_sql):
            if _key(copy.group(1)) == source and _key(copy.group(2)) == key:
                return rename.group(1)
    return None


def _columns_lost_in_rebuild(table: str, copy: str, up_sql: str, down_sql: str) -> list[Loss]:
    """Columns the old table had (as down() recreates it) that the new one lacks."""
    new = _table_columns(up_sql, copy)
    old = _table_columns(down_sql, table)
    if not new or not old:
        return []  # one side unknown: the rebuild keeps the rows
    return [Loss("column", _clean(table), column) for column in old if column not in new]


def _table_columns(sql: str, table: str) -> list[str]:
    """Column names of ``CREATE TABLE table (…)`` in ``sql``; empty when not found."""
    key = _key(table)
    for match in CREATE_TABLE.finditer(sql):
        if _key(match.group(1)) != key:
            continue
        rest = sql[match.end() :].lstrip()
        if not rest.startswith("("):
            return []
        body = _split_top_level(_parenthesised(rest))
        columns = []
        for item in body:
            first = re.match(NAME, item.strip())
            if first is not None and not TABLE_CONSTRAINT.match(item.strip()):
                columns.append(_clean(first.group(0)))
        return columns
    return []


def _parenthesised(text: str) -> str:
    """The inside of the parenthesis ``text`` starts with."""
    depth = 0
    for index, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return text[1:index]
    return text[1:]


def _names(text: str) -> list[str]:
    return [_clean(m.group(0)) for m in re.finditer(NAME, text)]


def _split_top_level(text: str) -> list[str]:
    pieces, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif char == "," and depth == 0:
            pieces.append(text[start:index])
            start = index + 1
    pieces.append(text[start:])
    return pieces


def _clean(name: str) -> str:
    """``"public"."users"`` -> ``public.users``; a substituted name is not literal."""
    parts = [p.strip().strip('"`[]') for p in re.split(r"\s*\.\s*(?=[\"`\[\w$])", name)]
    text = ".".join(p for p in parts if p)
    return "" if "__sub__" in text else text


def _key(name: str) -> str:
    cleaned = _clean(name)
    return cleaned.rsplit(".", 1)[-1].lower()

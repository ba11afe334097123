"""OPS002 schema-synchronize-enabled: TypeORM rewrites or drops the schema at startup."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from readylint.findings import Level
from readylint.rule import FileContext, Report, Rule
from readylint.semantics import (
    FUNCTION_TYPES,
    WRAPPER_TYPES,
    Semantics,
    call_arguments,
    call_function,
    call_name,
    enclosing_function,
    member_name,
    node_text,
    parent_of,
    unwrap,
)
from readylint.values import Arr, Bool, ConfigRead, EnvRead, Func, Obj, Str

if TYPE_CHECKING:
    from tree_sitter import Node

FLAGS = ("synchronize", "dropSchema")
EFFECTS = {
    "synchronize": (
        "makes TypeORM alter the database schema to match the entities at every start, which "
        "can drop columns and their data in production; set it to false (or false when "
        "NODE_ENV is production) and change the schema with migrations"
    ),
    "dropSchema": (
        "makes TypeORM drop every table each time the app connects, which wipes the "
        "production database; remove it (or make it false when NODE_ENV is production)"
    ),
}
# keys only TypeORM options have; and connection keys, two of which say "database options"
TYPEORM_KEYS = frozenset(
    {
        "entities", "autoLoadEntities", "migrations", "migrationsRun", "subscribers",
        "migrationsTableName", "entityPrefix", "namingStrategy", "keepConnectionAlive",
        "retryAttempts", "cli", "migrationsTransactionMode", "entitySkipConstructor",
    }
)  # fmt: skip
CONNECTION_KEYS = frozenset({"host", "port", "url", "database", "username", "password"})
DRIVERS = frozenset(
    {
        "postgres", "mysql", "mariadb", "sqlite", "better-sqlite3", "cockroachdb", "mssql",
        "oracle", "mongodb", "sqljs", "capacitor", "cordova", "nativescript", "react-native",
        "expo", "aurora-mysql", "aurora-postgres", "sap", "spanner",
    }
)  # fmt: skip
OPTION_TYPES = re.compile(
    r"\b(TypeOrmModuleOptions|DataSourceOptions|\w*ConnectionOptions|TypeOrmModuleAsyncOptions)\b"
)
CONFIG_FILE = re.compile(r"^(ormconfig|data[-_.]?source|typeorm)\b", re.I)
FACTORY_METHODS = frozenset({"createTypeOrmOptions"})
# test assertions and mocks whose object arguments are expected values, not configs
EXPECTATION = re.compile(r"^(expect|to[A-Z]\w*|mock\w*|objectContaining|resolves|rejects)$")
CONNECT_FUNCTIONS = frozenset({"createConnection", "createConnections"})
PRODUCTION_NAMES = frozenset({"production", "prod"})
MAX_SPREAD_DEPTH = 4
MAX_EVAL_DEPTH = 12
EVALUABLE = frozenset(
    {
        "binary_expression",
        "unary_expression",
        "ternary_expression",
        "call_expression",
        "true",
        "false",
    }
)
# JSON tokens, for finding where a member of ormconfig.json is
JSON_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|true|false|null|-?[0-9][0-9.eE+-]*', re.S)


class SchemaSynchronizeEnabled(Rule):
    code = "OPS002"
    name = "schema-synchronize-enabled"
    angle = "operations"
    level = Level.ERROR
    summary = "TypeORM synchronize or dropSchema is enabled"
    tags = ("operations", "typeorm", "database")
    precision = "high"
    file_kinds = frozenset({"js", "json"})
    captures = ("new", "call", "object", "method", "function", "export", "assignment")
    needles = (b"synchronize", b"dropSchema")

    def check(self, ctx: FileContext) -> Iterator[Report]:
        if ctx.source.language == "json":
            yield from _check_json(ctx.source.data)
            return
        sem = ctx.semantics
        seen: set[int] = set()
        for options in self._option_objects(ctx, sem):
            for key, pair, value in _effective_flags(sem, options):
                if pair.start_byte not in seen and _enabled(sem, value):
                    seen.add(pair.start_byte)
                    yield Report(pair, _message(key, value))

    # -- where TypeORM options are --------------------------------------------------

    def _option_objects(self, ctx: FileContext, sem: Semantics) -> Iterator[Node]:
        for node in ctx.captures["new"]:
            if re.search(r"(^|\.)DataSource$", call_name(node)):
                yield from _objects(sem, _first_argument(node))
        for call in ctx.calls.named(*CONNECT_FUNCTIONS, "forRoot", "forRootAsync"):
            yield from self._call_options(ctx, sem, call)
        for method in ctx.captures["method"]:
            if node_text(method.child_by_field_name("name")) in FACTORY_METHODS:
                yield from _returned_objects(sem, method)
        for function in ctx.captures["function"]:
            if OPTION_TYPES.search(node_text(function.child_by_field_name("return_type"))):
                yield from _returned_objects(sem, function)
        if CONFIG_FILE.match(PurePosixPath(ctx.source.path).name):
            yield from _exported_objects(sem, ctx)
        for obj in ctx.captures["object"]:
            if _looks_like_options(sem, obj, ctx.source.text):
                yield obj

    def _call_options(self, ctx: FileContext, sem: Semantics, call: Node) -> Iterator[Node]:
        name = call_name(call)
        method = member_name(call)
        if method in CONNECT_FUNCTIONS or name.endswith("TypeOrmModule.forRoot"):
            yield from _objects(sem, _first_argument(call))
        elif name.endswith("TypeOrmModule.forRootAsync"):
            options = sem.value(_first_argument(call))
            if isinstance(options, Obj):
                factory = _function_node(ctx, sem, options.value_node("useFactory"))
                if factory is not None:
                    yield from _returned_objects(sem, factory)


def _message(key: str, value: Node | None) -> str:
    text = " ".join(node_text(value).split()) if value is not None else "true"
    if text == "true":
        return f"{key}: true {EFFECTS[key]}"
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{key}: {text} is true in production and {EFFECTS[key]}"


def _first_argument(call: Node) -> Node | None:
    args = call_arguments(call)
    return args[0] if args else None


def _objects(sem: Semantics, node: Node | None) -> Iterator[Node]:
    """Object literals a value resolves to: an object, or each object of an array."""
    value = sem.value(node)
    if isinstance(value, Obj) and value.node is not None:
        yield value.node
    elif isinstance(value, Arr):
        for item in value.items:
            if isinstance(item, Obj) and item.node is not None:
                yield item.node


def _function_node(ctx: FileContext, sem: Semantics, node: Node | None) -> Node | None:
    """The function a ``useFactory`` names: inline, a const arrow, or a declaration."""
    value = sem.value(node)
    if isinstance(value, Func):
        return value.node
    node = unwrap(node)
    if node is None or node.type != "identifier":
        return None
    name = node_text(node)
    for function in ctx.captures["function"]:
        if function.type == "function_declaration" and (
            node_text(function.child_by_field_name("name")) == name
        ):
            return function
    return None


def _returned_objects(sem: Semantics, function: Node) -> Iterator[Node]:
    """Objects a function returns: an arrow's object body, or its own return statements."""
    body = unwrap(function.child_by_field_name("body"))
    if body is None:
        return
    if body.type != "statement_block":
        yield from _objects(sem, body)
        return
    stack = list(body.named_children)
    while stack:
        current = stack.pop()
        if current.type in FUNCTION_TYPES or current.type in ("class_declaration", "class"):
            continue  # a nested function's returns are its own
        if current.type == "return_statement":
            if current.named_children:
                yield from _objects(sem, current.named_children[0])
            continue
        stack.extend(current.named_children)


def _exported_objects(sem: Semantics, ctx: FileContext) -> Iterator[Node]:
    """``export default {…}``, ``export = {…}``, ``module.exports = {…}`` of a config file."""
    for export in ctx.captures["export"]:
        value = export.child_by_field_name("value")
        if value is None and node_text(export).startswith("export ="):
            value = next((c for c in export.named_children if c.type != "comment"), None)
        if value is not None:
            yield from _objects(sem, value)
    for assignment in ctx.captures["assignment"]:
        if node_text(assignment.child_by_field_name("left")) in ("module.exports", "exports"):
            yield from _objects(sem, assignment.child_by_field_name("right"))


def _looks_like_options(sem: Semantics, obj: Node, text: str) -> bool:
    """An object literal written as TypeORM options wherever it goes: typed as such,
    or holding ``synchronize``/``dropSchema`` beside database keys."""
    keys = {sem.property_key(p.child_by_field_name("key")) for p in obj.named_children}
    keys |= {node_text(p) for p in obj.named_children if p.type == "shorthand_property_identifier"}
    if not keys & set(FLAGS):
        return False
    holder = parent_of(obj)
    while holder is not None and holder.type in WRAPPER_TYPES:
        if holder.type in ("as_expression", "satisfies_expression") and OPTION_TYPES.search(
            node_text(holder)
        ):
            return True
        holder = parent_of(holder)
    if _is_expectation(holder):
        return False  # an expected value in a test assertion or a mock, not a config
    if holder is not None and holder.type == "variable_declarator":
        name = node_text(holder.child_by_field_name("name"))
        if name and re.search(rf"\.\.\.\s*{re.escape(name)}\b", text):
            return False  # spread into other options: judged where it is spread
        if OPTION_TYPES.search(node_text(holder.child_by_field_name("type"))):
            return True
    function = enclosing_function(obj)
    if function is not None and OPTION_TYPES.search(
        node_text(function.child_by_field_name("return_type"))
    ):
        return True
    if keys & TYPEORM_KEYS:
        return True
    driver = sem.value(_pair_value(sem, obj, "type"))
    return (isinstance(driver, Str) and driver.value in DRIVERS) or len(keys & CONNECTION_KEYS) > 1


def _is_expectation(holder: Node | None) -> bool:
    call = parent_of(holder) if holder is not None and holder.type == "arguments" else None
    return call is not None and bool(EXPECTATION.match(member_name(call)))


def _pair_value(sem: Semantics, obj: Node, key: str) -> Node | None:
    for child in obj.named_children:
        if child.type == "pair" and sem.property_key(child.child_by_field_name("key")) == key:
            return child.child_by_field_name("value")
    return None


# -- which flags take effect ----------------------------------------------------------


def _effective_flags(sem: Semantics, obj: Node) -> list[tuple[str, Node, Node]]:
    """(key, pair, value node) of each flag the object finally sets, following spreads
    of same-file objects; a later spread that cannot be resolved makes it unknown."""
    effective: dict[str, tuple[Node, Node] | None] = {}
    _collect(sem, obj, effective, 0)
    return [(key, *found) for key, found in effective.items() if found is not None]


def _collect(
    sem: Semantics, obj: Node, effective: dict[str, tuple[Node, Node] | None], depth: int
) -> None:
    for child in obj.named_children:
        if child.type == "pair":
            key = sem.property_key(child.child_by_field_name("key"))
            value = child.child_by_field_name("value")
            if key in FLAGS and value is not None:
                effective[key] = (child, value)
        elif child.type == "shorthand_property_identifier" and node_text(child) in FLAGS:
            effective[node_text(child)] = (child, child)
        elif child.type == "spread_element":
            spread = sem.value(child.named_children[0]) if child.named_children else None
            if isinstance(spread, Obj) and spread.node is not None and depth < MAX_SPREAD_DEPTH:
                _collect(sem, spread.node, effective, depth + 1)
            else:
                for key in FLAGS:
                    effective[key] = None  # whatever it holds may override


def _enabled(sem: Semantics, node: Node) -> bool:
    """Is the flag on (in production)? Literal true, a constant holding true, or a
    NODE_ENV test that is true in production; anything else is unknown."""
    return _in_production(sem, node, 0) is True


def _in_production(sem: Semantics, node: Node | None, depth: int) -> bool | None:
    node = unwrap(node)
    if node is None or depth > MAX_EVAL_DEPTH:
        return None
    if node.type in ("true", "false"):
        return node.type == "true"
    if node.type in ("identifier", "shorthand_property_identifier", "member_expression"):
        value = sem.value(node)
        if isinstance(value, Bool):
            return value.value
        held = value.node  # what a constant or field holds, when it is an expression
        if held is not None and held.id != node.id and held.type in EVALUABLE:
            return _in_production(sem, held, depth + 1)
        return None
    if node.type == "unary_expression" and node_text(node).startswith("!"):
        inner = _in_production(sem, node.named_children[0], depth + 1)
        return None if inner is None else not inner
    if node.type == "ternary_expression":
        condition = _in_production(sem, node.child_by_field_name("condition"), depth + 1)
        yes = _in_production(sem, node.child_by_field_name("consequence"), depth + 1)
        no = _in_production(sem, node.child_by_field_name("alternative"), depth + 1)
        if condition is None:
            return yes if yes == no else None
        return yes if condition else no
    if node.type == "binary_expression":
        return _binary_in_production(sem, node, depth)
    if node.type == "call_expression" and member_name(node) == "includes":
        return _includes_in_production(sem, node)
    return None


def _binary_in_production(sem: Semantics, node: Node, depth: int) -> bool | None:
    operator = node_text(node.child_by_field_name("operator"))
    left_node = node.child_by_field_name("left")
    right_node = node.child_by_field_name("right")
    if operator in ("&&", "||"):
        left = _in_production(sem, left_node, depth + 1)
        right = _in_production(sem, right_node, depth + 1)
        if operator == "&&":
            return False if False in (left, right) else (True if left and right else None)
        return (
            True if True in (left, right) else (False if left is False and right is False else None)
        )
    if operator not in ("===", "==", "!==", "!="):
        return None
    for env_side, other_side in ((left_node, right_node), (right_node, left_node)):
        if _is_node_env(sem, env_side):
            other = sem.value(other_side)
            if isinstance(other, Str):
                same = other.value.lower() in PRODUCTION_NAMES
                return same if operator in ("===", "==") else not same
    return None


def _includes_in_production(sem: Semantics, call: Node) -> bool | None:
    """``['development', 'test'].includes(process.env.NODE_ENV)``."""
    fn = call_function(call)
    args = call_arguments(call)
    if fn is None or len(args) != 1 or not _is_node_env(sem, args[0]):
        return None
    listed = sem.value(fn.child_by_field_name("object"))
    if not isinstance(listed, Arr) or listed.has_spread:
        return None
    names = [item.value.lower() for item in listed.items if isinstance(item, Str)]
    if len(names) != len(listed.items):
        return None
    return any(name in PRODUCTION_NAMES for name in names)


def _is_node_env(sem: Semantics, node: Node | None) -> bool:
    value = sem.value(node)
    if isinstance(value, EnvRead):
        return value.name == "NODE_ENV"
    if isinstance(value, ConfigRead):
        return value.key == "NODE_ENV"
    return False


# -- ormconfig.json -------------------------------------------------------------------


def _check_json(data: bytes) -> Iterator[Report]:
    """``"synchronize": true`` members of the config object(s) in ormconfig.json."""
    try:
        json.loads(data)
    except ValueError:
        return  # not JSON: nothing to say
    except RecursionError:
        pass  # deeply nested but maybe valid: the token scan below is iterative
    containers: list[bytes] = []  # the open brackets, innermost last
    tokens = list(JSON_TOKEN.finditer(data))
    for index, token in enumerate(tokens):
        text = token.group(0)
        if text in (b"{", b"["):
            containers.append(text)
        elif text in (b"}", b"]"):
            if containers:
                containers.pop()
        elif text.startswith(b'"') and _is_config_level(containers):
            following = tokens[index + 1 : index + 3]
            if len(following) == 2 and following[0].group(0) == b":":
                key = _json_key(text)
                if key in FLAGS and following[1].group(0) == b"true":
                    yield Report((token.start(), following[1].end()), _message(key, None))


def _is_config_level(containers: list[bytes]) -> bool:
    """Directly in the top-level object, or in an object of a top-level array."""
    return containers == [b"{"] or containers == [b"[", b"{"]


def _json_key(token: bytes) -> str:
    try:
        return str(json.loads(token))
    except ValueError:
        return ""

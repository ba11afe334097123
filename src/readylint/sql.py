"""Raw SQL: where it is run (sinks) and whether its text is built from input.

Two questions several rules ask:

* ``sql_sink(call)``: does this call run raw SQL, and which arguments hold it?
  TypeORM DataSource/EntityManager/QueryRunner/Repository ``query``; ``pg``,
  ``mysql2``/``mysql`` clients, pools and connections (by binding — ``new
  Pool()``, ``createPool()``, ``getConnection()`` … — by type annotation, or by
  the receiver names ``client``, ``pool``, ``conn``, ``connection``, ``db``);
  Sequelize ``sequelize.query``; ``{ sql: … }`` / ``{ text: … }`` objects; knex
  ``raw``/``whereRaw``/…; TypeORM QueryBuilder conditions.
* ``SqlTaint.status(node)``: is that text constant (``SAFE``), built here from
  a value that is not constant (``UNSAFE`` with the offending parts), or just
  an opaque value (``OPAQUE``: a parameter, a call result — never a finding
  by itself)?

Everything is same-file and bounded, in the evaluator's spirit.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from readylint.semantics import (
    FUNCTION_TYPES,
    CallIndex,
    Semantics,
    ancestors,
    call_arguments,
    call_function,
    call_receiver,
    enclosing_class,
    function_parameters,
    member_name,
    node_text,
    parent_of,
    pattern_names,
    unwrap,
)
from readylint.values import Arr, Bool, ConfigRead, EnvRead, Num, Obj, Str

if TYPE_CHECKING:
    from tree_sitter import Node

MAX_DEPTH = 16
MAX_OPERANDS = 200

# -- sinks ---------------------------------------------------------------------

QUERY_METHODS = frozenset({"query", "execute"})
KNEX_RAW_METHODS = frozenset(
    {
        "raw", "whereRaw", "orWhereRaw", "andWhereRaw", "havingRaw", "orHavingRaw",
        "orderByRaw", "groupByRaw", "joinRaw", "fromRaw",
    }
)  # fmt: skip
BUILDER_METHODS = frozenset(
    {
        "where", "andWhere", "orWhere", "having", "andHaving", "orHaving", "orderBy",
        "addOrderBy", "groupBy", "addGroupBy", "select", "addSelect", "from",
    }
)  # fmt: skip
BUILDER_JOIN = re.compile(r"^(inner|left)Join")
BUILDER_FACTORIES = frozenset({"createQueryBuilder", "subQuery"})
BUILDER_TYPES = re.compile(
    r"^(Select|Update|Delete|Insert|Soft|)QueryBuilder$|^WhereExpressionBuilder$"
)
BUILDER_NAMES = re.compile(
    r"^(qb|sqb|subQb|query|subQuery|queryBuilder|subQueryBuilder)$|QueryBuilder$", re.I
)

# receivers whose only business is running SQL: no check of the text's shape
TYPEORM_TYPES = frozenset(
    {"DataSource", "EntityManager", "QueryRunner", "Repository", "TreeRepository", "Sequelize"}
)
CLIENT_TYPES = frozenset(
    {"Pool", "PoolClient", "Client", "Connection", "PoolConnection", "Knex", "Transaction"}
)
CLIENT_FACTORIES = frozenset(
    {"Pool", "Client", "createPool", "createConnection", "createPoolCluster", "getConnection"}
)
TYPEORM_FACTORIES = frozenset(
    {
        "DataSource", "Sequelize", "getManager", "getRepository", "getTreeRepository",
        "getCustomRepository", "createQueryRunner", "createEntityManager",
    }
)  # fmt: skip
TYPEORM_NAME_TAILS = (
    ("data", "source"),
    ("entity", "manager"),
    ("query", "runner"),
    ("repository",),
    ("repo",),
    ("sequelize",),
    ("manager",),
)
TYPEORM_EXACT = frozenset({"em", "qr", "runner", "ds", "orm"})
CLIENT_NAME_TAILS = frozenset({"client", "pool", "conn", "connection", "db", "database", "knex"})
CLIENT_EXACT = frozenset({"trx", "tx", "knex", "sql"})
SAFE_FORMAT_MODULES = frozenset({"pg-format", "sqlstring", "mysql", "mysql2", "mysql2/promise"})
# a word that only SQL text has, for receivers recognised by a generic name
SQL_SHAPE = re.compile(
    r"\b(select|insert\s+into|update|delete\s+from|create|drop|alter|truncate|with|call|exec"
    r"|set|show|grant|revoke|lock|refresh|vacuum|analyze|merge|replace\s+into|values|from"
    r"|where|join|order\s+by|group\s+by|limit)\b",
    re.I,
)
_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


@dataclass(frozen=True)
class SqlSink:
    """A call that runs SQL text: ``kind`` is ``query``, ``raw`` or ``builder``."""

    call: Node
    kind: str
    method: str
    arguments: tuple[Node, ...]  # the expressions that hold SQL text
    needs_sql_shape: bool  # recognised only by a generic name: the text must look like SQL


def name_words(name: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in _WORDS.findall(name))


def is_sink_method(name: str) -> bool:
    """Could a call of this method run SQL? (``sql_sink`` decides on the call.)"""
    return (
        name in QUERY_METHODS
        or name in KNEX_RAW_METHODS
        or name in BUILDER_METHODS
        or bool(BUILDER_JOIN.match(name))
    )


def sql_sink(sem: Semantics, call: Node) -> SqlSink | None:
    """The SQL this call runs, or None when it is not a recognised SQL sink."""
    fn = call_function(call)
    if fn is None or fn.type != "member_expression":
        return None
    method = member_name(call)
    receiver = call_receiver(call)
    args = call_arguments(call)
    if receiver is None or not args:
        return None
    if method in QUERY_METHODS:
        kind = client_kind(sem, receiver)
        if kind is None:
            return None
        return SqlSink(call, "query", method, _query_text(sem, args[0]), kind == "generic")
    if method in KNEX_RAW_METHODS:
        return SqlSink(call, "raw", method, (args[0],), False)
    if method in BUILDER_METHODS or BUILDER_JOIN.match(method):
        if not is_query_builder(sem, receiver):
            return None
        texts = [a for a in args if a.type != "object"]
        for arg in list(texts):
            if arg.type == "array":
                texts.remove(arg)
                texts.extend(c for c in arg.named_children if c.type != "comment")
        return SqlSink(call, "builder", method, tuple(texts), False)
    return None


def _query_text(sem: Semantics, arg: Node) -> tuple[Node, ...]:
    """``query(sql, …)`` or ``query({ sql, values })`` / pg's ``{ text, values }``."""
    options = sem.value(arg)
    if isinstance(options, Obj):  # written here or held in a same-file constant
        for key in ("sql", "text"):
            node = options.value_node(key)
            if node is not None:
                return (node,)
        return ()
    return (arg,)


def client_kind(sem: Semantics, node: Node | None, depth: int = 0) -> str | None:
    """``typeorm`` for DataSource/EntityManager/QueryRunner/Repository/Sequelize,
    ``client`` for a pg/mysql client, pool or connection bound or typed as one,
    ``generic`` for one known only by its name, None otherwise."""
    receiver = unwrap(node)
    if receiver is None or depth > 6:
        return None
    if receiver.type == "await_expression" and receiver.named_children:
        return client_kind(sem, receiver.named_children[0], depth + 1)
    if receiver.type in ("call_expression", "new_expression"):
        return _factory_kind(sem, receiver, depth)
    if receiver.type == "member_expression":
        prop = node_text(receiver.child_by_field_name("property"))
        obj = unwrap(receiver.child_by_field_name("object"))
        if prop == "manager" and obj is not None and client_kind(sem, obj, depth + 1):
            return "typeorm"
        if obj is not None and obj.type == "this":
            typed = _type_kind(class_member_type(receiver, prop))
            if typed is not None:
                return typed
            value = this_field_value(sem, receiver)
            if value is not None:
                found = client_kind(sem, value, depth + 1)
                if found is not None:
                    return found
        return _name_kind(prop)
    if receiver.type == "identifier":
        name = node_text(receiver)
        param = parameter_of(receiver)
        if param is not None:
            typed = _type_kind(parameter_type(param))
            if typed is not None:
                return typed
        else:
            declarator = sem.binding_of(receiver)
            if declarator is not None:
                typed = _type_kind(_type_text(declarator.child_by_field_name("type")))
                if typed is not None:
                    return typed
                value = declarator.child_by_field_name("value")
                if value is not None:
                    found = client_kind(sem, value, depth + 1)
                    if found is not None:
                        return found
        return _name_kind(name)
    return None


def _factory_kind(sem: Semantics, call: Node, depth: int) -> str | None:
    name = member_name(call)
    if call.type == "new_expression":
        name = node_text(call.child_by_field_name("constructor")).rsplit(".", 1)[-1]
    if name in TYPEORM_FACTORIES:
        return "typeorm"
    if name in CLIENT_FACTORIES:
        return "client"
    if name == "connect" and call.type == "call_expression":
        receiver = call_receiver(call)
        if receiver is not None and client_kind(sem, receiver, depth + 1) is not None:
            return "client"
    reference = sem.callee(call) if call.type == "call_expression" else None
    if reference is not None and reference[0] == "knex":
        return "client"
    return None


def _name_kind(name: str) -> str | None:
    words = name_words(name)
    if not words:
        return None
    if name.lower() in TYPEORM_EXACT or any(words[-len(t) :] == t for t in TYPEORM_NAME_TAILS):
        return "typeorm"
    if name.lower() in CLIENT_EXACT or words[-1] in CLIENT_NAME_TAILS:
        return "generic"
    return None


def _type_kind(type_text: str) -> str | None:
    base = re.sub(r"<.*", "", type_text).strip().rsplit(".", 1)[-1]
    if base in TYPEORM_TYPES:
        return "typeorm"
    if base in CLIENT_TYPES:
        return "client"
    return None


def _type_text(annotation: Node | None) -> str:
    text = node_text(annotation).strip()
    return text[1:].strip() if text.startswith(":") else text


def parameter_of(ident: Node) -> Node | None:
    """The parameter that binds ``ident`` in an enclosing function, if any."""
    name = node_text(ident)
    for parent in ancestors(ident):
        if parent.type in FUNCTION_TYPES:
            for param in function_parameters(parent):
                if name in pattern_names(param):
                    return param
        elif parent.type == "statement_block":
            continue
    return None


def parameter_type(param: Node) -> str:
    return _type_text(param.child_by_field_name("type"))


def class_member_type(node: Node, prop: str) -> str:
    """The declared type of ``this.prop``: a field or a constructor parameter property."""
    cls = enclosing_class(node)
    body = cls.child_by_field_name("body") if cls is not None else None
    if body is None:
        return ""
    for member in body.named_children:
        if member.type in ("public_field_definition", "field_definition"):
            name = member.child_by_field_name("name") or member.child_by_field_name("property")
            if node_text(name) == prop:
                return _type_text(member.child_by_field_name("type"))
        elif (
            member.type == "method_definition"
            and node_text(member.child_by_field_name("name")) == "constructor"
        ):
            for param in function_parameters(member):
                pattern = param.child_by_field_name("pattern")
                if node_text(pattern) == prop:
                    return parameter_type(param)
    return ""


def this_field_value(sem: Semantics, node: Node) -> Node | None:
    """The expression assigned to ``this.x`` (class field or constructor), if single."""
    value = sem.value(node)
    if value.node is not None and value.node is not node:
        return value.node
    prop = node_text(node.child_by_field_name("property"))
    cls = enclosing_class(node)
    body = cls.child_by_field_name("body") if cls is not None else None
    if body is None:
        return None
    for member in body.named_children:
        if member.type in ("public_field_definition", "field_definition"):
            name = member.child_by_field_name("name") or member.child_by_field_name("property")
            if node_text(name) == prop:
                return member.child_by_field_name("value")
    return None


def is_query_builder(sem: Semantics, receiver: Node, depth: int = 0) -> bool:
    """A TypeORM QueryBuilder: a chain from ``createQueryBuilder()``, a variable
    holding one, one typed as one, a ``new Brackets(qb => …)`` parameter, or ``qb``."""
    node = unwrap(receiver)
    for _ in range(64):
        if node is None or depth > 6:
            return False
        if node.type == "await_expression" and node.named_children:
            node = unwrap(node.named_children[0])
            continue
        if node.type == "call_expression":
            if member_name(node) in BUILDER_FACTORIES:
                return True
            fn = call_function(node)
            if fn is None or fn.type != "member_expression":
                return False
            node = unwrap(fn.child_by_field_name("object"))
            continue
        if node.type == "member_expression":
            prop = node_text(node.child_by_field_name("property"))
            obj = unwrap(node.child_by_field_name("object"))
            if (
                obj is not None
                and obj.type == "this"
                and BUILDER_TYPES.match(re.sub(r"<.*", "", class_member_type(node, prop)))
            ):
                return True
            return bool(BUILDER_NAMES.search(prop))
        if node.type == "identifier":
            return _identifier_is_builder(sem, node, depth)
        return False
    return False


def _identifier_is_builder(sem: Semantics, ident: Node, depth: int) -> bool:
    param = parameter_of(ident)
    if param is not None:
        if BUILDER_TYPES.match(re.sub(r"<.*", "", parameter_type(param))):
            return True
        function = parent_of(parent_of(param)) if parent_of(param) is not None else None
        if function is not None and _is_brackets_callback(function):
            return True
        return bool(BUILDER_NAMES.search(node_text(ident)))
    declarator = sem.binding_of(ident)
    if declarator is not None:
        type_text = re.sub(r"<.*", "", _type_text(declarator.child_by_field_name("type")))
        if BUILDER_TYPES.match(type_text):
            return True
        value = declarator.child_by_field_name("value")
        if value is not None and is_query_builder(sem, value, depth + 1):
            return True
    return bool(BUILDER_NAMES.search(node_text(ident)))


def _is_brackets_callback(function: Node) -> bool:
    """``new Brackets((qb) => …)``: the callback's parameter is a QueryBuilder."""
    args = parent_of(function)
    owner = parent_of(args) if args is not None else None
    return (
        owner is not None
        and owner.type == "new_expression"
        and node_text(owner.child_by_field_name("constructor")) in ("Brackets", "NotBrackets")
    )


def looks_like_sql(text: str) -> bool:
    return bool(SQL_SHAPE.search(text))


# -- taint: is this text built from something that is not constant? -----------------


@dataclass(frozen=True)
class Status:
    """``safe``: constant text; ``unsafe``: built here from ``parts`` that are not
    constant; ``opaque``: a value this file cannot see into (never a finding alone)."""

    kind: str
    parts: tuple[Node, ...] = ()
    text: str = ""  # the known literal text, unknown parts as a space

    @property
    def safe(self) -> bool:
        return self.kind == "safe"

    @property
    def unsafe(self) -> bool:
        return self.kind == "unsafe"


SAFE = Status("safe")
OPAQUE = Status("opaque")
NUMERIC_CALLS = frozenset({"Number", "parseInt", "parseFloat", "BigInt", "Boolean"})
NUMERIC_METHODS = frozenset(
    {
        "toFixed", "toPrecision", "getTime", "valueOf", "toISOString", "getFullYear",
        "getMonth", "getDate", "now", "floor", "ceil", "round", "trunc", "min", "max", "abs",
        "parseInt", "parseFloat", "isInteger", "random",
    }
)  # fmt: skip
BUILT_SQL_METHODS = frozenset({"getQuery", "getSql", "toQuery"})
STRING_METHODS = frozenset(
    {"trim", "trimStart", "trimEnd", "toUpperCase", "toLowerCase", "toString", "padStart"}
)
# escaping and identifier-quoting helpers: mysql.escape, escapeId, pg's escapeIdentifier /
# escapeLiteral, quote_ident, quoteIdentifier, qIdent, format.ident / format.literal
ESCAPE_CALL = re.compile(
    r"(^|\.)(\w*escape\w*|\w*quote\w*|q_?ident\w*|ident|identifier|literal)$", re.I
)
ALLOWLIST_METHODS = frozenset({"includes", "has", "indexOf", "hasOwnProperty"})
ALIAS_NAME = re.compile(r"^_?alias$|Alias$")
CONSTANT_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
PASCAL_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*$")
ORM_METADATA_PROPS = frozenset({"tableName", "tablePath", "alias"})
ARITHMETIC = frozenset(
    {"-", "*", "/", "%", "**", "&", "|", "^", "<<", ">>", ">>>", "===", "!==", "==", "!=",
     "<", ">", "<=", ">=", "instanceof", "in"}
)  # fmt: skip


class SqlTaint:
    """Classifies the SQL text an expression holds, following same-file bindings,
    ``let`` reassignments (``sql += …``) and arrays filled by ``push``."""

    def __init__(self, sem: Semantics, calls: CallIndex, assignments: list[Node]) -> None:
        self.sem = sem
        self._calls = calls
        self._assignments = assignments
        self._pushes: dict[str, list[Node]] | None = None
        self._writes: dict[str, list[Node]] | None = None
        self._enums: set[str] | None = None
        self._checks: dict[str, list[Node]] | None = None
        self._visiting: set[int] = set()  # declarators being classified (sql = sql + …)

    # -- indexes, built on first use ------------------------------------------

    def _push_index(self) -> dict[str, list[Node]]:
        if self._pushes is None:
            self._pushes = defaultdict(list)
            for call in self._calls.named("push", "unshift"):
                receiver = call_receiver(call)
                if receiver is not None and receiver.type == "identifier":
                    self._pushes[node_text(receiver)].append(call)
        return self._pushes

    def _write_index(self) -> dict[str, list[Node]]:
        if self._writes is None:
            self._writes = defaultdict(list)
            for node in self._assignments:
                if node.type == "update_expression":
                    continue
                left = unwrap(node.child_by_field_name("left"))
                if left is not None and left.type == "identifier":
                    self._writes[node_text(left)].append(node)
        return self._writes

    def _enum_names(self) -> set[str]:
        if self._enums is None:
            self._enums = set()
            for child in self.sem.root.named_children:
                target = child
                if child.type == "export_statement":
                    target = child.child_by_field_name("declaration") or child
                if target.type == "enum_declaration":
                    self._enums.add(node_text(target.child_by_field_name("name")))
        return self._enums

    # -- classification ----------------------------------------------------------

    def status(
        self, node: Node | None, env: dict[str, Status] | None = None, depth: int = 0
    ) -> Status:
        node = unwrap(node)
        if node is None or depth > MAX_DEPTH:
            return OPAQUE
        env = env or {}
        kind = node.type
        if kind in ("number", "true", "false", "null", "undefined", "regex"):
            return SAFE
        if kind == "string":
            return Status("safe", text=node_text(node)[1:-1])
        if kind == "template_string":
            return self._template(node, env, depth)
        if kind == "binary_expression":
            return self._binary(node, env, depth)
        if kind == "unary_expression":
            return SAFE  # +x, -x, !x, ~x, typeof x: numbers, booleans or type names
        if kind == "ternary_expression":
            return _merge(
                self.status(node.child_by_field_name("consequence"), env, depth + 1),
                self.status(node.child_by_field_name("alternative"), env, depth + 1),
            )
        if kind == "await_expression" and node.named_children:
            return self.status(node.named_children[0], env, depth + 1)
        if kind == "identifier":
            status = self._identifier(node, env, depth)
        elif kind in ("member_expression", "subscript_expression"):
            status = self._member(node, env, depth)
        elif kind == "call_expression":
            status = self._call(node, env, depth)
        else:
            return OPAQUE
        if not status.safe and self._allowlisted(node):
            return SAFE
        return status

    def part_is_safe(self, node: Node, env: dict[str, Status], depth: int) -> Status:
        """A piece glued into SQL text: an opaque piece is an unsafe one."""
        status = self.status(node, env, depth + 1)
        if status.kind == "opaque":
            return Status("unsafe", (node,))
        return status

    def _template(self, node: Node, env: dict[str, Status], depth: int) -> Status:
        subs = [c for c in node.named_children if c.type == "template_substitution"]
        texts = [node_text(c) for c in node.named_children if c.type != "template_substitution"]
        literal = "".join(texts)
        if len(subs) == 1 and not literal.strip() and subs[0].named_children:
            return self.status(subs[0].named_children[0], env, depth + 1)
        parts: list[Node] = []
        text: list[str] = []
        for child in node.named_children:
            if child.type != "template_substitution":
                text.append(node_text(child))
                continue
            inner = child.named_children[0] if child.named_children else None
            if inner is None:
                continue
            piece = self.part_is_safe(inner, env, depth)
            parts.extend(piece.parts)
            text.append(piece.text or " ")
        return _combined(parts, "".join(text))

    def _binary(self, node: Node, env: dict[str, Status], depth: int) -> Status:
        operator = node_text(node.child_by_field_name("operator"))
        if operator in ARITHMETIC:
            return SAFE
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if operator in ("||", "??", "&&"):
            return _merge(self.status(left, env, depth + 1), self.status(right, env, depth + 1))
        if operator != "+":
            return OPAQUE
        operands = _plus_operands(node)
        if len(operands) > MAX_OPERANDS:
            return OPAQUE  # no hand-written statement has this many pieces
        statuses = [self.status(o, env, depth + 1) for o in operands]
        stringy = any(self._is_stringy(o, s) for o, s in zip(operands, statuses, strict=True))
        parts: list[Node] = []
        text: list[str] = []
        opaque = False
        for operand, status in zip(operands, statuses, strict=True):
            if status.kind == "opaque":
                opaque = True
                if stringy:
                    parts.append(operand)
            parts.extend(status.parts)
            text.append(status.text or " ")
        if opaque and not stringy:
            return OPAQUE
        return _combined(parts, "".join(text))

    def _is_stringy(self, operand: Node, status: Status) -> bool:
        operand = unwrap(operand) or operand
        if operand.type in ("string", "template_string"):
            return True
        return status.kind != "opaque" and bool(status.text or status.parts)

    def _identifier(self, node: Node, env: dict[str, Status], depth: int) -> Status:
        name = node_text(node)
        if name in env and parameter_of(node) is not None:
            return env[name]  # a parameter of a callback being classified (.map)
        if ALIAS_NAME.search(name) or "placeholder" in name.lower():
            return SAFE
        value = self.sem.value(node)
        if isinstance(value, Str):
            return Status("safe", text=value.value)
        if isinstance(value, Num | Bool | EnvRead | ConfigRead):
            return SAFE
        binding = self.sem.import_of(node)
        if binding is not None:
            return SAFE if CONSTANT_NAME.match(name) else OPAQUE
        declarator = self.sem.binding_of(node)
        if declarator is None:
            status = self._loop_variable(node, env, depth)
        else:
            status = self._declared(declarator, name, env, depth)
        return status

    def _declared(self, declarator: Node, name: str, env: dict[str, Status], depth: int) -> Status:
        pattern = declarator.child_by_field_name("name")
        if pattern is None or pattern.type != "identifier":
            return OPAQUE
        if declarator.id in self._visiting:
            return SAFE  # the variable read inside its own reassignment: judged once
        self._visiting.add(declarator.id)
        try:
            return self._declared_status(declarator, name, env, depth)
        finally:
            self._visiting.discard(declarator.id)

    def _declared_status(
        self, declarator: Node, name: str, env: dict[str, Status], depth: int
    ) -> Status:
        init = unwrap(declarator.child_by_field_name("value"))
        if init is None:
            status = SAFE
        elif init.type == "array":
            status = self._array_status(declarator, init, name, env, depth)
        else:
            status = self.status(init, env, depth + 1)
        for write in self._write_index().get(name, ()):
            if not self._writes_to(write, declarator):
                continue
            right = write.child_by_field_name("right")
            if right is None:
                continue
            if write.type == "augmented_assignment_expression":
                piece = self.part_is_safe(right, env, depth)
            else:
                piece = self.status(right, env, depth + 1)
            status = _merge(status, piece)
        return status

    def _writes_to(self, write: Node, declarator: Node) -> bool:
        left = unwrap(write.child_by_field_name("left"))
        return left is not None and self.sem.binding_of(left) == declarator

    def _array_status(
        self, declarator: Node, init: Node, name: str, env: dict[str, Status], depth: int
    ) -> Status:
        """A local array of SQL fragments: its items and everything pushed to it."""
        pieces: list[Node] = [c for c in init.named_children if c.type != "comment"]
        for call in self._push_index().get(name, ()):
            receiver = call_receiver(call)
            if receiver is not None and self.sem.binding_of(receiver) == declarator:
                pieces.extend(call_arguments(call))
        parts: list[Node] = []
        for piece in pieces:
            if piece.type == "spread_element":
                return OPAQUE
            status = self.part_is_safe(piece, env, depth)
            parts.extend(status.parts)
        return _combined(parts, " ")

    def _loop_variable(self, node: Node, env: dict[str, Status], depth: int) -> Status:
        """``for (const t of TABLES)`` over a same-file array of literals."""
        name = node_text(node)
        for parent in ancestors(node):
            if parent.type in FUNCTION_TYPES:
                return OPAQUE
            if parent.type != "for_in_statement":
                continue
            left = parent.child_by_field_name("left")
            if left is None or name not in pattern_names(left):
                continue
            if node_text(parent.child_by_field_name("operator")) != "of":
                return OPAQUE
            items = self.sem.value(parent.child_by_field_name("right"))
            return SAFE if _literal_array(items) else OPAQUE
        return OPAQUE

    def _member(self, node: Node, env: dict[str, Status], depth: int) -> Status:
        prop = node_text(node.child_by_field_name("property"))
        obj = unwrap(node.child_by_field_name("object"))
        if prop == "length" or ALIAS_NAME.search(prop) or prop in ORM_METADATA_PROPS:
            return SAFE
        if "metadata" in node_text(obj).lower():
            return SAFE  # TypeORM entity metadata: names the ORM knows, not input
        if node.type == "subscript_expression" and _literal_container(self.sem.value(obj)):
            return SAFE  # SORT_COLUMNS[key]: one of the literals (or undefined)
        root = _member_root(node)
        if root is not None and root.type == "identifier" and _is_template_strings(root):
            return SAFE  # a tag function's literal parts: sql`…` helpers
        value = self.sem.value(node)
        if isinstance(value, Str):
            return Status("safe", text=value.value)
        if isinstance(value, Num | Bool | EnvRead | ConfigRead):
            return SAFE
        if root is not None and root.type == "identifier":
            root_name = node_text(root)
            path = node_text(node)[len(root_name) :].split(".")
            constant_path = all(CONSTANT_NAME.match(p) or PASCAL_NAME.match(p) for p in path if p)
            if root_name in self._enum_names() and constant_path:
                return SAFE
            if (
                self.sem.import_of(root) is not None
                and constant_path
                and (CONSTANT_NAME.match(root_name) or PASCAL_NAME.match(root_name))
            ):
                return SAFE  # an imported enum or constant table
        return OPAQUE

    def _allowlisted(self, node: Node) -> bool:
        """``ALLOWED.includes(sort)`` / ``COLUMNS.has(sort)`` / ``sort in MAP`` on the same
        expression in the same function: the value was checked against an allowlist."""
        text = node_text(node)
        scope = _function_of(node)
        return any(_function_of(call) == scope for call in self._check_index().get(text, ()))

    def _check_index(self) -> dict[str, list[Node]]:
        if self._checks is None:
            self._checks = defaultdict(list)
            for call in self._calls.named(*ALLOWLIST_METHODS):
                if call_receiver(call) is not None:
                    args = call_arguments(call)
                    if args:
                        self._checks[node_text(unwrap(args[0]))].append(call)
        return self._checks

    def _call(self, node: Node, env: dict[str, Status], depth: int) -> Status:
        name = node_text(call_function(node))
        method = member_name(node)
        receiver = call_receiver(node)
        args = call_arguments(node)
        if name in NUMERIC_CALLS or name.startswith(("Math.", "Number.", "Date.")):
            return SAFE
        if method in NUMERIC_METHODS and receiver is not None:
            return SAFE
        if method in BUILT_SQL_METHODS and receiver is not None:
            return SAFE  # a sub-query's SQL: its own conditions are checked where they are set
        if ESCAPE_CALL.search(name):
            return SAFE
        reference = self.sem.callee(node)
        if reference is not None and reference[0] in SAFE_FORMAT_MODULES:
            return SAFE
        if (
            method == "format"
            and reference is None
            and node_text(receiver) in ("mysql", "SqlString", "sqlstring", "connection", "pool")
        ):
            return SAFE  # mysql's format() escapes its values
        if (reference is not None and reference == ("util", "format")) or name == "util.format":
            return self._glued(args, env, depth)
        if method == "concat" and receiver is not None:
            first = self.status(receiver, env, depth + 1)
            if first.kind == "opaque" and receiver.type not in ("string", "template_string"):
                return OPAQUE  # [].concat(…), or a string this file cannot see
            rest = self._glued(args, env, depth)
            return _combined([*first.parts, *rest.parts], first.text + rest.text)
        if method == "join" and receiver is not None:
            return self._joined(receiver, env, depth)
        if method == "repeat" and receiver is not None:
            return self.status(receiver, env, depth + 1)
        if method in STRING_METHODS and receiver is not None:
            return self.status(receiver, env, depth + 1)
        return OPAQUE

    def _glued(self, args: list[Node], env: dict[str, Status], depth: int) -> Status:
        parts: list[Node] = []
        text: list[str] = []
        for arg in args:
            status = self.part_is_safe(arg, env, depth)
            parts.extend(status.parts)
            text.append(status.text or " ")
        return _combined(parts, "".join(text))

    def _joined(self, receiver: Node, env: dict[str, Status], depth: int) -> Status:
        """``xs.join(', ')``: a literal array, ``.map(cb)`` of placeholders, ``.fill('?')``."""
        receiver = unwrap(receiver) or receiver
        if receiver.type == "call_expression":
            method = member_name(receiver)
            args = call_arguments(receiver)
            source = call_receiver(receiver)
            if method == "fill" and args:
                return self.status(args[0], env, depth + 1)
            if method == "map" and args and source is not None:
                return self._mapped(source, args[0], env, depth)
            if method in ("filter", "slice", "sort", "concat") and source is not None:
                return self._joined(source, env, depth + 1)
            return OPAQUE
        value = self.sem.value(receiver)
        if _literal_array(value):
            return SAFE
        if receiver.type == "identifier":
            status = self.status(receiver, env, depth + 1)
            return status
        return OPAQUE

    def _mapped(self, source: Node, callback: Node, env: dict[str, Status], depth: int) -> Status:
        callback = unwrap(callback) or callback
        if callback.type not in ("arrow_function", "function_expression", "function"):
            return OPAQUE
        params = function_parameters(callback)
        inner = dict(env)
        element = SAFE if _literal_array(self.sem.value(source)) else OPAQUE
        if source.type == "call_expression" and node_text(call_function(source)) == "Array.from":
            element = SAFE
        if params:
            for name in pattern_names(params[0]):
                inner[name] = element
        if len(params) > 1:
            for name in pattern_names(params[1]):
                inner[name] = SAFE  # the index
        body = callback.child_by_field_name("body")
        if body is None:
            return OPAQUE
        if body.type != "statement_block":
            return self.part_is_safe(body, inner, depth)
        results = [
            r.named_children[0]
            for r in _returns(body)
            if r.named_children and r.named_children[0].type != "comment"
        ]
        if not results:
            return OPAQUE
        status = SAFE
        for result in results:
            status = _merge(status, self.part_is_safe(result, inner, depth))
        return status


def _plus_operands(node: Node) -> list[Node]:
    """The operands of ``a + b + c`` (left-nested), iteratively."""
    operands: list[Node] = []
    stack = [node]
    while stack:
        current = unwrap(stack.pop())
        if current is None:
            continue
        if (
            current.type == "binary_expression"
            and node_text(current.child_by_field_name("operator")) == "+"
            and len(operands) + len(stack) <= MAX_OPERANDS
        ):
            right = current.child_by_field_name("right")
            left = current.child_by_field_name("left")
            if right is not None:
                stack.append(right)
            if left is not None:
                stack.append(left)
            continue
        operands.append(current)
    return operands


def _is_template_strings(ident: Node) -> bool:
    """The ``strings`` of a tag function ``(strings: TemplateStringsArray, ...values)``."""
    param = parameter_of(ident)
    if param is None:
        return False
    if "TemplateStringsArray" in parameter_type(param):
        return True
    function = parent_of(parent_of(param)) if parent_of(param) is not None else None
    params = function_parameters(function) if function is not None else []
    return len(params) == 2 and params[0] == param and _is_rest(params[1])


def _is_rest(param: Node) -> bool:
    return param.type == "rest_pattern" or any(
        child.type == "rest_pattern" for child in param.named_children
    )


def _member_root(node: Node) -> Node | None:
    current: Node | None = node
    for _ in range(32):
        current = unwrap(current)
        if current is None or current.type not in ("member_expression", "subscript_expression"):
            return current
        current = current.child_by_field_name("object")
    return None


def _returns(body: Node) -> Iterator[Node]:
    """Return statements of a function body, not of functions nested in it."""
    stack = list(body.named_children)
    seen = 0
    while stack and seen < 2000:
        node = stack.pop()
        seen += 1
        if node.type in FUNCTION_TYPES:
            continue
        if node.type == "return_statement":
            yield node
            continue
        stack.extend(node.named_children)


def _function_of(node: Node) -> int:
    for parent in ancestors(node):
        if parent.type in FUNCTION_TYPES:
            return parent.id
    return -1


def _literal_container(value: object) -> bool:
    """An array or object literal whose every value is a string or number literal."""
    if _literal_array(value):
        return True
    return (
        isinstance(value, Obj)
        and not value.has_spread
        and all(isinstance(value.get(k), Str | Num) for k in value.keys)
    )


def _literal_array(value: object) -> bool:
    return (
        isinstance(value, Arr)
        and not value.has_spread
        and all(isinstance(item, Str | Num) for item in value.items)
    )


def _combined(parts: list[Node], text: str) -> Status:
    if parts:
        return Status("unsafe", tuple(parts), text)
    return Status("safe", text=text)


def _merge(a: Status, b: Status) -> Status:
    """Either of two values may be the text: the worse one counts."""
    if a.unsafe or b.unsafe:
        return Status("unsafe", a.parts + b.parts, a.text + " " + b.text)
    if a.kind == "opaque" or b.kind == "opaque":
        return OPAQUE
    return Status("safe", text=(a.text + " " + b.text).strip())

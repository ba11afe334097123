"""TypeORM as the data-integrity rules see it: writes, their receivers, transaction scopes.

One shared reading of rules.md's "Write" and "Transaction scope", so that
DAT001 (missing-transaction), DAT002 (write-escapes-transaction), DAT003
(transaction-without-rollback) and the project rules that come later (DAT004,
DAT005, AUD001) agree on what a write is and which transaction it belongs to.

The public API:

* ``writes_in(ctx) -> list[Write]``: every write call of the file, with its
  method, receiver, receiver kind (``repository``, ``manager``,
  ``query_runner_manager``, ``active_record``, ``query_builder``,
  ``raw_query``), the entity class when it can be named, and the *handle*
  (the manager, query runner, repository or data source) whose connection
  runs it.
* ``transaction_scopes(ctx) -> list[Scope]``: ``X.transaction(cb)`` callbacks,
  ``queryRunner.startTransaction()`` … commit/rollback, and methods decorated
  ``@Transactional()`` / ``@Transaction()``.
* ``scope_of(write, scopes)`` and ``is_own_write(write, scope)``: the
  innermost scope around a write, and whether the write goes through that
  scope's own manager or runner (so it commits and rolls back with it).
* ``escaping_writes(ctx)``, ``owner_function(node)`` and
  ``max_writes_on_a_path(function, writes)`` for the rules.

Receivers are resolved in the same file only: ``@InjectRepository(X)``,
``Repository<X>``/``EntityManager``/``QueryRunner``/``DataSource`` types,
``getRepository(X)`` in its forms, ``X.manager``, ``getManager()``,
``createQueryRunner()``, the first parameter of a transaction callback,
ActiveRecord classes extending ``BaseEntity``, and the names rules.md lists.
Anything else is unknown, and unknown is never a write. Every walk is
iterative or depth-capped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import pairwise
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from readylint import needles
from readylint.patterns import descendants
from readylint.semantics import (
    FUNCTION_TYPES,
    CallIndex,
    Semantics,
    call_arguments,
    call_function,
    call_receiver,
    function_parameters,
    member_name,
    node_text,
    parent_of,
    pattern_names,
    string_value,
    unwrap,
)
from readylint.semantics import ancestors as semantic_ancestors
from readylint.values import Str, Template

if TYPE_CHECKING:
    from tree_sitter import Node

    from readylint.rule import FileContext

# What the DAT rules ask the engine for (all of them ask for the same, so the
# shared analysis sees the same captures whichever of them is enabled).
CAPTURES = ("call", "decorator", "class")
# A file that mentions none of these has no TypeORM work for the rules (the
# brief's list: typeorm, Repository, queryRunner, BaseEntity, getRepository;
# ``QueryRunner`` also covers ``createQueryRunner()`` and the type).
# matched case-insensitively (the engine lowers the file once)
NEEDLES = needles.declare(b"typeorm", b"Repository", b"queryRunner", b"BaseEntity")

# receiver kinds
REPOSITORY = "repository"
MANAGER = "manager"
QUERY_RUNNER_MANAGER = "query_runner_manager"
QUERY_RUNNER = "query_runner"
DATASOURCE = "datasource"
ACTIVE_RECORD = "active_record"
QUERY_BUILDER = "query_builder"
RAW_QUERY = "raw_query"

WRITE_METHODS = frozenset(
    {
        "save", "insert", "update", "delete", "remove", "softDelete", "softRemove", "restore",
        "recover", "increment", "decrement", "upsert", "clear",
    }
)  # fmt: skip
AR_INSTANCE_WRITES = frozenset({"save", "remove", "softRemove", "recover"})
AR_INSTANCE_FACTORIES = frozenset(
    {"create", "findOne", "findOneBy", "findOneOrFail", "findOneByOrFail", "merge", "preload"}
)
AR_COLLECTION_FACTORIES = frozenset({"find", "findBy"})
# manager/repository calls that return one entity: create(Order, …), findOneBy(Order, …)
ENTITY_FACTORIES = AR_INSTANCE_FACTORIES
QB_WRITE_VERBS = frozenset({"insert", "update", "delete", "softDelete"})
CONNECTION_FACTORIES = frozenset({"getConnection", "createConnection"})
GET_REPOSITORY = frozenset(
    {"getRepository", "getTreeRepository", "getMongoRepository", "getCustomRepository"}
)
MANAGER_NAMES = frozenset({"manager", "entityManager", "em", "transactionalEntityManager"})
MANAGER_KINDS = frozenset({MANAGER, QUERY_RUNNER_MANAGER})
WRITE_RECEIVERS = frozenset({REPOSITORY, MANAGER, QUERY_RUNNER_MANAGER})
QUERY_RECEIVERS = frozenset({REPOSITORY, MANAGER, QUERY_RUNNER_MANAGER, QUERY_RUNNER, DATASOURCE})
SQL_WRITE = re.compile(
    r"^\s*(?:(?:--[^\n]*\n|/\*.*?\*/)\s*)*(INSERT|UPDATE|DELETE|REPLACE|MERGE)\b", re.I | re.S
)
REPOSITORY_TYPE = re.compile(r"\b(?:Repository|TreeRepository|MongoRepository)\s*<\s*([\w.]+)")
DATASOURCE_TYPE = re.compile(r"\b(?:DataSource|Connection)\b")
# custom repository types: UserRepository, IUserRepo, OrderRepositoryPort
REPOSITORY_TYPE_NAME = re.compile(r"Repo(?:sitory)?(?:Interface|Port|Contract)?$")
ENTITY_PATH_PARTS = frozenset({"entity", "entities", "model", "models"})
# other ORMs and drivers: their models' save()/update() are not TypeORM writes
OTHER_ORMS = re.compile(
    r"^(mongoose|@nestjs/mongoose|sequelize|sequelize-typescript|@nestjs/sequelize|"
    r"@mikro-orm/.*|mikro-orm|@nestjs/mikro-orm|@prisma/client|objection|knex|"
    r"drizzle-orm.*|kysely|mongodb|bookshelf|waterline)$"
)
TYPEORM_MODULES = re.compile(r"^(typeorm|@nestjs/typeorm|typeorm-transactional.*)$")
# callbacks whose body runs as part of the call that receives them
ITERATING_METHODS = frozenset(
    {
        "map", "forEach", "flatMap", "filter", "reduce", "reduceRight", "some", "every",
        "find", "findIndex", "findLast", "findLastIndex", "each", "mapSeries", "eachSeries",
    }
)  # fmt: skip
PROMISE_METHODS = frozenset({"then", "catch", "finally"})
# typeorm-transactional's runInTransaction(cb); nestjs-cls's txHost.withTransaction(cb):
# every write inside joins the transaction
TRANSACTION_RUNNERS = frozenset({"runInTransaction", "wrapInTransaction", "withTransaction"})
RUNNER_METHODS = frozenset(
    {"startTransaction", "commitTransaction", "rollbackTransaction", "release"}
)
SCOPE_METHODS = RUNNER_METHODS | TRANSACTION_RUNNERS | {"transaction"}
LOOP_TYPES = frozenset({"for_statement", "for_in_statement", "while_statement", "do_statement"})
CLASS_TYPES = frozenset({"class_declaration", "abstract_class_declaration", "class"})
FIELD_TYPES = frozenset({"public_field_definition", "field_definition"})
MIGRATION_DIRS = frozenset({"migrations", "migration"})
RUNNER_PARAMETER = re.compile(r"runner$|^qr$", re.I)
MAX_RESOLVE_DEPTH = 12
# How far up the tree anything here looks. tree-sitter finds a node's parent by
# walking down from the root, so ancestry costs O(depth) per step: parents are
# memoised, and a node nested deeper than this is left alone (unknown).
MAX_ANCESTRY = 400
MAX_CHAIN = 60
LABEL_WIDTH = 48


@dataclass(frozen=True)
class Handle:
    """What a receiver expression is, and whose connection it writes through.

    ``kind`` is what the expression itself is; ``root`` is the manager, query
    runner, data source or repository it was obtained from (``manager`` for
    ``manager.getRepository(Order)``), with ``root_kind``. ``param_of`` is the
    function whose parameter the root is: such a handle comes from a caller."""

    kind: str
    root: Node
    root_kind: str
    entity: str | None = None
    runner: str | None = None  # the query runner's name, for runners and their managers
    param_of: Node | None = None
    static: bool = False  # an ActiveRecord class itself, not an instance
    in_transaction: bool = False  # a transaction callback's manager parameter

    def derived(self, kind: str, entity: str | None = None) -> Handle:
        """A repository or manager obtained from this handle."""
        return replace(self, kind=kind, entity=entity, static=False)


@dataclass(frozen=True)
class Write:
    """One call that writes to the database."""

    call: Node  # the call expression (``.execute()`` for a query builder)
    method: str  # save, update, …; the verb for a query builder; 'query' for raw SQL
    receiver: Node | None
    receiver_text: str
    # repository | manager | query_runner_manager | active_record | query_builder | raw_query
    kind: str
    entity: str | None
    handle: Handle | None  # None: the connection it runs on is unknown

    @property
    def label(self) -> str:
        """``this.orderRepo.save()``, short enough for a message."""
        receiver = _short(self.receiver_text)
        if self.kind == QUERY_BUILDER:
            base = f"{receiver}." if receiver else ""
            return f"{base}createQueryBuilder().{self.method}()…execute()"
        if self.kind == RAW_QUERY:
            return f"{receiver}.query({self.method.upper()} …)"
        return f"{receiver}.{self.method}()"


@dataclass(frozen=True)
class Scope:
    """Where a transaction is open.

    ``kind``: ``callback`` (``X.transaction(cb)``), ``query_runner``
    (``startTransaction()`` up to its commit/rollback) or ``decorator``
    (``@Transactional()`` / ``@Transaction()``)."""

    kind: str
    node: Node  # the callback / the function holding startTransaction / the method
    start: int  # byte range of the statements that run inside the transaction
    end: int
    call: Node | None  # the transaction(...) / startTransaction() call; None for decorators
    manager: str | None = None  # the callback's manager parameter (or @TransactionManager())
    runner: str | None = None  # the query runner's name
    all_own: bool = False  # @Transactional(), runInTransaction(): every write joins
    typeorm: bool = True  # the transaction is known to be TypeORM's
    label: str = ""  # how messages name it: 'dataSource.transaction()'

    def contains(self, node: Node) -> bool:
        return self.start <= node.start_byte and node.end_byte <= self.end


# -- the public API ------------------------------------------------------------


def analyse(ctx: FileContext) -> TypeOrmFile:
    """The file's TypeORM analysis, built once per file however many rules (and
    fact extractors) ask. Callers must request ``CAPTURES`` from the engine."""
    return ctx.shared_analysis("typeorm", lambda: _build(ctx))  # type: ignore[no-any-return]


def _build(ctx: FileContext) -> TypeOrmFile:
    assert ctx.tree is not None
    return TypeOrmFile(ctx.semantics, ctx.captures, ctx.source.path, ctx.calls)


def writes_in(ctx: FileContext) -> list[Write]:
    return analyse(ctx).writes


def transaction_scopes(ctx: FileContext) -> list[Scope]:
    return analyse(ctx).scopes


def escaping_writes(ctx: FileContext) -> list[tuple[Write, Scope]]:
    return analyse(ctx).escaping


def scope_of(write: Write, scopes: list[Scope]) -> Scope | None:
    """The innermost transaction scope around a write."""
    around = [s for s in scopes if s.contains(write.call)]
    return min(around, key=lambda s: s.end - s.start) if around else None


def is_own_write(write: Write, scope: Scope) -> bool:
    """Does the write run on the scope's own connection (or can we not tell)?"""
    handle = write.handle
    if scope.all_own or handle is None:
        return True
    if handle.param_of is not None and _strictly_inside(handle.param_of, scope.node):
        return True  # a manager handed to a helper inside the scope: unknown
    if (
        handle.in_transaction
        and handle.param_of is not None
        and _strictly_inside(scope.node, handle.param_of)
    ):
        return True  # the enclosing transaction's manager: the same connection
    if scope.kind == "query_runner":
        return handle.runner is not None and handle.runner == scope.runner
    if scope.kind == "decorator":
        # @Transaction(): the method's @TransactionManager()/@TransactionRepository() parameters
        return scope.manager is None or handle.param_of == scope.node
    return handle.root_kind == MANAGER and handle.param_of == scope.node


def ancestors(node: Node, limit: int = MAX_ANCESTRY) -> Iterator[Node]:
    """Parents up to the root, at most ``limit`` of them (a deeper bound than the
    evaluator's: transaction scopes can sit far above a write)."""
    return semantic_ancestors(node, limit)


def is_shallow(node: Node) -> bool:
    """Is the root within ``MAX_ANCESTRY`` steps? Deeper nodes are not analysed."""
    steps = 0
    current = parent_of(node)
    while current is not None:
        steps += 1
        if steps > MAX_ANCESTRY:
            return False
        current = parent_of(current)
    return True


def enclosing_class(node: Node) -> Node | None:
    for parent in ancestors(node):
        if parent.type in CLASS_TYPES:
            return parent
    return None


def owner_function(node: Node) -> Node | None:
    """The function a write counts for: callbacks of array methods, promise
    chains and transactions count for the function around them; event
    handlers, timers and other callbacks are functions of their own."""
    for parent in ancestors(node):
        if parent.type in FUNCTION_TYPES and callback_role(parent) is None:
            return parent
    return None


def callback_role(function: Node) -> str | None:
    """``iterate`` for array-method callbacks, ``once`` for promise-chain,
    transaction and IIFE callbacks, None for a function of its own."""
    parent = parent_of(function)
    while parent is not None and parent.type == "parenthesized_expression":
        parent = parent_of(parent)
    if parent is None:
        return None
    if parent.type == "call_expression":
        return "once" if unwrap(parent.child_by_field_name("function")) == function else None
    call = parent_of(parent) if parent.type == "arguments" else None
    if call is None:
        return None
    if call.type == "new_expression":
        return "once" if call_name_text(call) == "Promise" else None
    if call.type != "call_expression":
        return None
    method = member_name(call)
    receiver = call_receiver(call)
    args = call_arguments(call)
    if method in TRANSACTION_RUNNERS and args and args[-1] == function:
        return "once"
    if receiver is None:
        return None
    if method in ITERATING_METHODS:
        return "iterate"
    if method == "from" and node_text(receiver) == "Array":
        return "iterate"
    if method in PROMISE_METHODS:
        return "once"
    if method == "transaction" and args and args[-1] == function:
        return "once"
    return None


def max_writes_on_a_path(function: Node, writes: list[Write]) -> int:
    """The most writes one run of ``function`` can make: arms of an if/else,
    switch or ternary do not add up; a loop or an array-method callback
    counts as several; early returns are not tracked."""
    return count_paths(function, writes)[0]


def count_paths(function: Node, writes: list[Write]) -> tuple[int, set[int]]:
    """``max_writes_on_a_path`` and the ids of the write calls that run
    repeatedly (in a loop or an array-method callback), in one pass."""
    return _path_counts(function, writes)


def is_migration_method(function: Node, path: str) -> bool:
    """``up``/``down`` of a TypeORM migration (TypeORM runs each in a transaction)."""
    method = function
    for candidate in (function, *ancestors(function)):
        if candidate.type == "method_definition" and node_text(
            candidate.child_by_field_name("name")
        ) in ("up", "down"):
            method = candidate
            break
    else:
        return False
    cls = enclosing_class(method)
    if cls is None:
        return False
    if _in_migrations_dir(path) or any(
        child.type == "class_heritage" and "MigrationInterface" in node_text(child)
        for child in cls.children
    ):
        return True
    # a CommonJS migration cannot say `implements`: up(queryRunner) says it
    params = function_parameters(method)
    first = node_text(params[0]).split(":")[0].strip() if params else ""
    return bool(RUNNER_PARAMETER.search(first))


def function_name(function: Node) -> tuple[Node, str]:
    """Where a finding about a function goes, and how messages name it: the
    method, function or variable name (``createOrder()``); an anonymous function
    (a route handler) at its start, as "this function"."""
    name = function.child_by_field_name("name")
    if function.type in ("method_definition", "function_declaration") and name is not None:
        return name, f"{node_text(name)}()"
    parent = parent_of(function)
    while parent is not None and parent.type == "parenthesized_expression":
        parent = parent_of(parent)
    target: Node | None = None
    if parent is not None:
        if parent.type == "variable_declarator":
            target = parent.child_by_field_name("name")
        elif parent.type == "pair":
            target = parent.child_by_field_name("key")
        elif parent.type in ("public_field_definition", "field_definition"):
            target = parent.child_by_field_name("name") or parent.child_by_field_name("property")
        elif parent.type == "assignment_expression":
            left = unwrap(parent.child_by_field_name("left"))
            target = left.child_by_field_name("property") if left is not None else None
            if left is not None and left.type == "identifier":
                target = left
    if node_text(target) in ("exports", "default"):
        target = None  # module.exports = async () => …: anonymous
    if target is not None and target.type in (
        "identifier",
        "property_identifier",
        "private_property_identifier",
    ):
        return target, f"{node_text(target)}()"
    if name is not None:
        return name, f"{node_text(name)}()"
    return function, "this function"


def call_name_text(call: Node) -> str:
    return node_text(call_function(call))


# -- the analysis ----------------------------------------------------------------


class TypeOrmFile:
    """Writes and transaction scopes of one file."""

    def __init__(
        self,
        sem: Semantics,
        captures: dict[str, list[Node]],
        path: str,
        calls: CallIndex | None = None,
    ) -> None:
        self.sem = sem
        self.path = path
        self.other_orm = _uses_other_orm(sem)
        self._class_names = {_class_name(c) for c in captures.get("class", ()) if _class_name(c)}
        self.ar_classes = self._active_record_classes(captures.get("class", ()))
        self.repository_classes = self._repository_classes(captures.get("class", ()))
        self._handles: dict[int, Handle | None] = {}
        self._sources: dict[tuple[int, str], list[Node]] = {}  # (class id, prop) -> sources
        index = calls if calls is not None else CallIndex(captures.get("call", []))
        self.writes: list[Write] = []
        self.scopes: list[Scope] = []
        self.escaping: list[tuple[Write, Scope]] = []
        self.scope_by_write: dict[int, Scope] = {}
        # (call, runner, method) for start/commit/rollback/release on query runners
        self.runner_calls: list[tuple[Node, str, str]] = []
        if self.other_orm:
            return
        for call in index.named(*WRITE_METHODS, "execute", "query"):
            write = self._write_of(call)
            if write is not None:
                self.writes.append(write)
        self.scopes = self._scopes(index.named(*SCOPE_METHODS), captures.get("decorator", []))
        self.scope_by_write = _innermost_scopes(self.writes, self.scopes)
        self.escaping = [
            (write, scope)
            for write in self.writes
            if (scope := self.scope_by_write.get(write.call.id)) is not None
            and scope.typeorm
            and not is_own_write(write, scope)
        ]

    def resolve(self, node: Node | None) -> Handle | None:
        """What a receiver expression is, when it is a TypeORM object."""
        return self._resolve(node, 0)

    def caller_managed(self, write: Write) -> bool:
        """A write through a manager or query runner the function was handed:
        the caller decides whether it runs in a transaction."""
        handle = write.handle
        return (
            handle is not None
            and handle.root_kind in (MANAGER, QUERY_RUNNER)
            and handle.param_of is not None
            and not self._is_transaction_callback(handle.param_of)
        )

    # -- writes --------------------------------------------------------------

    def _write_of(self, call: Node) -> Write | None:
        method = member_name(call)
        receiver = call_receiver(call)
        if receiver is None:
            return None
        if method not in WRITE_METHODS and method not in ("execute", "query"):
            return None
        if not is_shallow(call):
            return None
        if method in WRITE_METHODS:
            return self._method_write(call, method, receiver)
        if method == "execute":
            return self._query_builder_write(call)
        if method == "query":
            return self._raw_write(call, receiver)
        return None

    def _method_write(self, call: Node, method: str, receiver: Node) -> Write | None:
        handle = self.resolve(receiver)
        if handle is None:
            return None
        if handle.kind == ACTIVE_RECORD:
            if not handle.static and method not in AR_INSTANCE_WRITES:
                return None
        elif handle.kind not in WRITE_RECEIVERS:
            return None
        entity = handle.entity
        if entity is None and handle.kind in MANAGER_KINDS:
            args = call_arguments(call)
            entity = self._entity_named_by(args[0]) if args else None
        return Write(call, method, receiver, node_text(receiver), handle.kind, entity, handle)

    def _query_builder_write(self, call: Node) -> Write | None:
        """``….createQueryBuilder()….update()….execute()`` (also through a ``qb`` variable)."""
        verbs: list[str] = []
        entity: str | None = None
        builder: Node | None = None
        current: Node | None = call
        hops = 0
        for _ in range(MAX_CHAIN):
            if current is None:
                break
            current = unwrap(current)
            if current is not None and current.type == "await_expression":
                current = unwrap(current.named_children[0]) if current.named_children else None
            if current is None:
                break
            if current.type == "identifier" and hops < 3:
                hops += 1
                declarator = self.sem.binding_of(current)
                current = declarator.child_by_field_name("value") if declarator else None
                continue
            if current.type != "call_expression":
                break
            method = member_name(current)
            args = call_arguments(current)
            if method == "createQueryBuilder":
                builder = current
                break
            if method in QB_WRITE_VERBS:
                verbs.append(method)
                if method == "update" and args:
                    entity = entity or self._entity_named_by(args[0])
            elif method in ("into", "from") and args:
                entity = entity or self._entity_named_by(args[0])
            fn = call_function(current)
            current = fn.child_by_field_name("object") if fn is not None else None
            if fn is None or fn.type != "member_expression":
                break
        if builder is None or not verbs:
            return None
        base = call_receiver(builder)
        handle = self.resolve(base) if base is not None else None
        for arg in call_arguments(builder):
            runner = self.resolve(arg) if unwrap(arg) is not None else None
            if runner is not None and runner.kind == QUERY_RUNNER:
                handle = runner
        if handle is not None and handle.kind not in QUERY_RECEIVERS:
            handle = None
        args = call_arguments(builder)
        if entity is None and handle is not None:
            entity = handle.entity
        if entity is None and args and handle is not None and handle.kind != REPOSITORY:
            entity = self._entity_named_by(args[0])
        base_text = node_text(base) if base is not None else ""
        return Write(call, verbs[-1], base, base_text, QUERY_BUILDER, entity, handle)

    def _raw_write(self, call: Node, receiver: Node) -> Write | None:
        args = call_arguments(call)
        if not args:
            return None
        handle = self.resolve(receiver)  # memoised, and cheaper than evaluating the SQL
        if handle is None or handle.kind not in QUERY_RECEIVERS:
            return None
        verb = _sql_write_verb(self.sem, args[0])
        if verb is None:
            return None
        return Write(call, verb.lower(), receiver, node_text(receiver), RAW_QUERY, None, handle)

    def _entity_named_by(self, node: Node | None) -> str | None:
        """``Order`` in ``manager.save(Order, …)``; the class of ``new Order()`` or
        ``manager.create(Order, …)`` held in a local; ``'Order'`` as a string."""
        node = unwrap(node)
        if node is None:
            return None
        if node.type == "string":
            text = string_value(node)
            return text if re.fullmatch(r"[A-Z]\w*", text) else None
        if node.type == "identifier":
            name = node_text(node)
            if self._is_class_name(name):
                return name
            declarator = self.sem.binding_of(node)
            value = unwrap(declarator.child_by_field_name("value")) if declarator else None
            if value is not None and value.type == "await_expression" and value.named_children:
                value = unwrap(value.named_children[0])
            if value is not None and value.type == "new_expression":
                ctor = node_text(value.child_by_field_name("constructor"))
                return ctor if self._is_class_name(ctor) else None
            if (
                value is not None
                and value.type == "call_expression"
                and member_name(value) in (ENTITY_FACTORIES)
            ):
                args = call_arguments(value)
                first = unwrap(args[0]) if args else None
                if (
                    first is not None
                    and first.type == "identifier"
                    and self._is_class_name(node_text(first))
                ):
                    return node_text(first)
                receiver = self.resolve(call_receiver(value))
                return receiver.entity if receiver is not None else None
        return None

    def _is_class_name(self, name: str) -> bool:
        """An imported or declared class, or a PascalCase name bound to nothing here."""
        if not re.fullmatch(r"[A-Z]\w*", name):
            return False
        if name in self.sem.imports or name in self.ar_classes or name in self._class_names:
            return True
        return bool(re.search(r"[a-z]", name)) and name not in self.sem.declarators

    # -- receivers -----------------------------------------------------------

    def _resolve(self, node: Node | None, depth: int) -> Handle | None:
        node = unwrap(node)
        if node is None or depth > MAX_RESOLVE_DEPTH:
            return None
        if depth == 0 and node.id in self._handles:
            return self._handles[node.id]
        handle = self._resolve_uncached(node, depth)
        if depth == 0:
            self._handles[node.id] = handle
        return handle

    def _resolve_uncached(self, node: Node, depth: int) -> Handle | None:
        kind = node.type
        if kind == "await_expression":
            return self._resolve(node.named_children[0], depth + 1) if node.named_children else None
        if kind == "this":
            return self._this_handle(node)
        if kind == "identifier":
            return self._identifier_handle(node, depth)
        if kind == "member_expression":
            return self._member_handle(node, depth)
        if kind == "call_expression":
            return self._call_handle(node, depth)
        if kind == "new_expression":
            ctor = node_text(node.child_by_field_name("constructor"))
            if ctor in ("DataSource", "Connection") and not self.other_orm:
                return Handle(DATASOURCE, node, DATASOURCE)
            if ctor in self.ar_classes:
                return Handle(ACTIVE_RECORD, node, ACTIVE_RECORD, ctor)
            return None
        if kind == "ternary_expression" or (
            kind == "binary_expression"
            and node_text(node.child_by_field_name("operator")) in ("||", "??")
        ):
            sides = (
                ("consequence", "alternative")
                if kind == "ternary_expression"
                else ("left", "right")
            )
            found = [self._resolve(node.child_by_field_name(s), depth + 1) for s in sides]
            known = [h for h in found if h is not None]
            # a manager the caller may pass wins: the transaction is then the caller's
            handed = [h for h in known if h.param_of is not None]
            preferred = handed or known
            return preferred[0] if preferred else None
        return None

    def _this_handle(self, node: Node) -> Handle | None:
        """``this`` in a custom repository or an ActiveRecord entity."""
        cls = enclosing_class(node)
        if cls is None:
            return None
        heritage = _extends_text(cls)
        match = REPOSITORY_TYPE.search(heritage)
        if match:
            return Handle(REPOSITORY, node, REPOSITORY, _entity_name(match.group(1)))
        base = heritage.split("<", 1)[0].strip()
        if self._is_base_entity(base) or base in self.ar_classes:
            return Handle(ACTIVE_RECORD, node, ACTIVE_RECORD, _class_name(cls))
        return None

    def _identifier_handle(self, node: Node, depth: int) -> Handle | None:
        name = node_text(node)
        declarator = self.sem.binding_of(node)
        if declarator is not None:
            return self._declared_handle(declarator, name, node, depth)
        found = _parameter_named(node, name)
        if found is not None:
            return self._parameter_handle(found[0], found[1], name, node)
        if name in self.ar_classes:
            return Handle(ACTIVE_RECORD, node, ACTIVE_RECORD, name, static=True)
        loop_entity = self._loop_variable_entity(node, name, depth)
        if loop_entity is not None:
            return Handle(ACTIVE_RECORD, node, ACTIVE_RECORD, loop_entity)
        if name in self.sem.local_functions:
            return None
        return _by_name(name, node)

    def _declared_handle(
        self, declarator: Node, name: str, node: Node, depth: int
    ) -> Handle | None:
        pattern = declarator.child_by_field_name("name")
        value = declarator.child_by_field_name("value")
        if pattern is not None and pattern.type == "object_pattern":
            # const { manager } = queryRunner
            key = _destructured_key(pattern, name)
            if key == "manager":
                base = self._resolve(value, depth + 1)
                return self._manager_of(base, node) if base is not None else None
            # const { AppDataSource } = require('./data-source'): known by its name only
            return _by_name(name, node)
        typed = self._type_handle(declarator.child_by_field_name("type"), node)
        if typed is not None:
            return typed if typed.kind else None
        if value is None:
            return _by_name(name, node)
        handle = self._resolve(value, depth + 1)
        if handle is not None:
            if handle.kind == QUERY_RUNNER and handle.runner is None:
                return Handle(QUERY_RUNNER, node, QUERY_RUNNER, runner=name)
            return handle
        inner = unwrap(value)
        if inner is not None and inner.type == "await_expression" and inner.named_children:
            inner = unwrap(inner.named_children[0])
        if inner is not None and inner.type == "call_expression" and _reads_entity(inner):
            return None  # const manager = await employees.findOneBy(…): a row, not a manager
        if inner is None or inner.type in (
            "new_expression", "object", "array", "string", "template_string", "number",
            "arrow_function", "function_expression", "function", "class", "true", "false",
        ):  # fmt: skip
            return None  # a value we know and that is not TypeORM's
        return _by_name(name, node)

    def _parameter_handle(
        self, param: Node, function: Node, name: str, node: Node
    ) -> Handle | None:
        for decorator in _decorators_of(param):
            handle = self._decorator_handle(decorator, node)
            if handle is not None:
                return _with_param(handle, function)
        simple = param.child_by_field_name("pattern") if param.type != "identifier" else param
        is_simple = simple is not None and simple.type == "identifier"
        params = function_parameters(function)
        is_first = is_simple and bool(params) and params[0] == param
        # dataSource.transaction(async (manager) => …): whatever its name or type
        if is_first and self._is_transaction_callback(function):
            return Handle(MANAGER, node, MANAGER, param_of=function, in_transaction=True)
        # a type on a destructured parameter describes the object, not this name
        annotation = param.child_by_field_name("type")
        typed = self._type_handle(annotation, node) if is_simple else None
        if typed is not None:
            if not typed.kind:
                return None
            if typed.kind == QUERY_RUNNER:
                typed = Handle(QUERY_RUNNER, node, QUERY_RUNNER, runner=name)
            return _with_param(typed, function)
        if is_first:
            entity = self._iterated_entity(function)
            if entity is not None:
                return Handle(ACTIVE_RECORD, node, ACTIVE_RECORD, entity)
        handle = _by_name(name, node)
        return _with_param(handle, function) if handle is not None else None

    def _member_handle(self, node: Node, depth: int) -> Handle | None:
        obj = unwrap(node.child_by_field_name("object"))
        prop = node_text(node.child_by_field_name("property"))
        if obj is None:
            return None
        if obj.type == "this":
            return self._this_member_handle(node, prop, depth)
        if prop == "manager":
            base = self._resolve(obj, depth + 1)
            if base is not None:
                return self._manager_of(base, node)
            if obj.type == "identifier":
                found = _parameter_named(obj, node_text(obj))
                if found is not None:  # event.manager in a subscriber: the caller's
                    return Handle(MANAGER, node, MANAGER, param_of=found[1])
            return None
        handle = _by_name(prop, node, members=True)
        return handle

    def _manager_of(self, base: Handle, node: Node) -> Handle | None:
        if base.kind == QUERY_RUNNER:
            return Handle(
                QUERY_RUNNER_MANAGER, base.root, QUERY_RUNNER, None, base.runner, base.param_of
            )
        if base.kind in (DATASOURCE, REPOSITORY, MANAGER):
            root_kind = MANAGER if base.root_kind == MANAGER else DATASOURCE
            root = base.root if base.root_kind == MANAGER else node
            return Handle(MANAGER, root, root_kind, None, base.runner, base.param_of)
        if base.kind == QUERY_RUNNER_MANAGER:
            return base
        return None

    def _this_member_handle(self, node: Node, prop: str, depth: int) -> Handle | None:
        """``this.orderRepo``: a field or constructor parameter property, by its
        decorators, its type, or what it is initialised with."""
        cls = enclosing_class(node)
        if cls is None:
            return _by_name(prop, node)
        key = (cls.id, prop)
        sources = self._sources.get(key)
        if sources is None:  # asked again for every use of this.prop in the class
            sources = self._sources[key] = _member_sources(cls, prop)
        for source in sources:
            if source.type == "decorator":
                handle = self._decorator_handle(source, node)
            elif source.type == "type_annotation":
                handle = self._type_handle(source, node)
                if handle is not None and not handle.kind:
                    return None
            else:
                handle = self._resolve(source, depth + 1)
                if handle is not None and handle.kind == QUERY_RUNNER:
                    handle = Handle(QUERY_RUNNER, node, QUERY_RUNNER, runner=node_text(node))
                elif handle is None and unwrap(source) is not None:
                    inner = unwrap(source)
                    assert inner is not None
                    if inner.type in ("new_expression", "object", "array", "string"):
                        return None
            if handle is not None:
                if handle.root_kind != MANAGER and handle.kind in (REPOSITORY, DATASOURCE):
                    return Handle(handle.kind, node, handle.root_kind, handle.entity)
                return handle
        return _by_name(prop, node)

    def _call_handle(self, call: Node, depth: int) -> Handle | None:
        method = member_name(call)
        receiver = call_receiver(call)
        args = call_arguments(call)
        if method in GET_REPOSITORY:
            if receiver is None:
                if method in self.sem.local_functions:
                    return None
                return Handle(REPOSITORY, call, DATASOURCE, self._repository_entity(args))
            base = self._resolve(receiver, depth + 1)
            if base is None:
                base = Handle(DATASOURCE, receiver, DATASOURCE)
            if base.kind not in (DATASOURCE, MANAGER, QUERY_RUNNER_MANAGER):
                return None
            return base.derived(REPOSITORY, self._repository_entity(args))
        if method == "withRepository" and receiver is not None:
            base = self._resolve(receiver, depth + 1)
            if base is None or base.kind not in MANAGER_KINDS:
                return None
            inner = self._resolve(args[0], depth + 1) if args else None
            return base.derived(REPOSITORY, inner.entity if inner is not None else None)
        if receiver is None and method == "getManager" and method not in self.sem.local_functions:
            return Handle(MANAGER, call, DATASOURCE)
        if receiver is None and method in CONNECTION_FACTORIES and self._typeorm_name(call):
            return Handle(DATASOURCE, call, DATASOURCE)
        if method == "createQueryRunner" and receiver is not None:
            return Handle(QUERY_RUNNER, call, QUERY_RUNNER)
        if receiver is not None and receiver.type == "identifier":
            cls = node_text(receiver)
            if cls in self.ar_classes and method in AR_INSTANCE_FACTORIES:
                return Handle(ACTIVE_RECORD, call, ACTIVE_RECORD, cls)
        return None

    def _typeorm_name(self, call: Node) -> bool:
        fn = call_function(call)
        binding = self.sem.imports.get(node_text(fn)) if fn is not None else None
        return binding is not None and binding.module == "typeorm"

    def _repository_entity(self, args: list[Node]) -> str | None:
        if not args:
            return None
        first = unwrap(args[0])
        if first is None:
            return None
        if first.type == "string":
            return string_value(first) or None
        if first.type in ("identifier", "member_expression"):
            name = _last_name(node_text(first))
            if name in self.repository_classes:
                return self.repository_classes[name]
            if name.endswith("Repository"):
                return None  # a custom repository declared elsewhere
            return name if re.fullmatch(r"[A-Z]\w*", name) else None
        return None

    def _decorator_handle(self, decorator: Node, node: Node) -> Handle | None:
        name, args = _decorator_call(decorator)
        if name in ("InjectRepository", "TransactionRepository"):
            return Handle(REPOSITORY, node, REPOSITORY, self._repository_entity(args))
        if name in ("InjectEntityManager", "TransactionManager"):
            return Handle(MANAGER, node, DATASOURCE if name.startswith("Inject") else MANAGER)
        if name in ("InjectDataSource", "InjectConnection"):
            return Handle(DATASOURCE, node, DATASOURCE)
        return None

    def _type_handle(self, annotation: Node | None, node: Node) -> Handle | None:
        """A handle from a type annotation; a handle with an empty ``kind`` means
        "typed, and the type is not TypeORM's"."""
        if annotation is None:
            return None
        text = node_text(annotation).lstrip(":").strip()
        match = REPOSITORY_TYPE.search(text)
        if match:
            return Handle(REPOSITORY, node, REPOSITORY, _entity_name(match.group(1)))
        if "EntityManager" in text and not self.other_orm:
            return Handle(MANAGER, node, MANAGER)
        if "QueryRunner" in text:
            return Handle(QUERY_RUNNER, node, QUERY_RUNNER, runner=node_text(node))
        base = text.split("|")[0].strip()
        datasource = DATASOURCE_TYPE.search(text)
        if datasource is not None and self._typeorm_type(datasource.group(0)):
            return Handle(DATASOURCE, node, DATASOURCE)
        if base in self.ar_classes:
            return Handle(ACTIVE_RECORD, node, ACTIVE_RECORD, base)
        if REPOSITORY_TYPE_NAME.search(base):
            return Handle(REPOSITORY, node, REPOSITORY, self.repository_classes.get(base))
        return Handle("", node, "")

    def _typeorm_type(self, name: str) -> bool:
        """``DataSource``/``Connection`` from TypeORM, not mysql2's or amqplib's."""
        binding = self.sem.imports.get(name)
        if binding is None:
            return name == "DataSource" and not self.other_orm
        return bool(TYPEORM_MODULES.match(binding.module))

    def _loop_variable_entity(self, node: Node, name: str, depth: int) -> str | None:
        """``for (const t of tickets)`` over ``await Ticket.find(…)``."""
        for parent in ancestors(node):
            if parent.type in FUNCTION_TYPES:
                return None
            if parent.type == "for_in_statement":
                left = unwrap(parent.child_by_field_name("left"))
                if left is not None and left.type == "identifier" and node_text(left) == name:
                    return self._collection_entity(parent.child_by_field_name("right"), depth)
        return None

    def _iterated_entity(self, function: Node) -> str | None:
        """The entity of ``tickets`` in ``tickets.forEach((t) => t.save())``."""
        if callback_role(function) != "iterate":
            return None
        parent = parent_of(function)
        call = parent_of(parent) if parent is not None else None
        if call is None or call.type != "call_expression":
            return None
        return self._collection_entity(call_receiver(call), 0)

    def _collection_entity(self, node: Node | None, depth: int) -> str | None:
        node = unwrap(node)
        for _ in range(4):
            if node is None or depth > MAX_RESOLVE_DEPTH:
                return None
            if node.type == "await_expression" and node.named_children:
                node = unwrap(node.named_children[0])
                continue
            if node.type == "identifier":
                declarator = self.sem.binding_of(node)
                if declarator is None:
                    return None
                annotation = node_text(declarator.child_by_field_name("type")).lstrip(":")
                match = re.fullmatch(r"\s*(?:(\w+)\[\]|Array<(\w+)>)\s*", annotation)
                if match:
                    entity = match.group(1) or match.group(2)
                    return entity if entity in self.ar_classes else None
                node = unwrap(declarator.child_by_field_name("value"))
                continue
            if node.type == "call_expression":
                receiver = call_receiver(node)
                if (
                    receiver is not None
                    and receiver.type == "identifier"
                    and node_text(receiver) in self.ar_classes
                    and member_name(node) in AR_COLLECTION_FACTORIES
                ):
                    return node_text(receiver)
            return None
        return None

    def _is_transaction_callback(self, function: Node) -> bool:
        parent = parent_of(function)
        call = parent_of(parent) if parent is not None and parent.type == "arguments" else None
        if call is None or call.type != "call_expression":
            return False
        args = call_arguments(call)
        return member_name(call) == "transaction" and bool(args) and args[-1] == function

    # -- classes -------------------------------------------------------------

    def _active_record_classes(self, classes: list[Node] | tuple[Node, ...]) -> set[str]:
        """Classes extending ``BaseEntity`` here (also through a local base), and
        classes imported from an entity/model path."""
        found: set[str] = set()
        extends = {_class_name(c): _extends_text(c).split("<", 1)[0].strip() for c in classes}
        changed = True
        while changed:
            changed = False
            for name, base in extends.items():
                if name and name not in found and (self._is_base_entity(base) or base in found):
                    found.add(name)
                    changed = True
        # imported from an entity/model path: only in a file that uses TypeORM itself
        # (a Sequelize or Objection model imported from ../models is not ours)
        modules = {binding.module for binding in self.sem.imports.values()}
        if not self.other_orm and any(TYPEORM_MODULES.match(m) for m in modules):
            for local, binding in self.sem.imports.items():
                if local in found or not re.fullmatch(r"[A-Z]\w*", local):
                    continue
                if binding.imported == "*" or local in self._class_names:
                    continue
                parts = set(re.split(r"[/.]", binding.module.lower()))
                if parts & ENTITY_PATH_PARTS and not TYPEORM_MODULES.match(binding.module):
                    found.add(local)
        return found

    def _is_base_entity(self, name: str) -> bool:
        """``BaseEntity``, also imported under another name."""
        binding = self.sem.imports.get(name)
        if binding is not None:
            return binding.imported == "BaseEntity" and bool(TYPEORM_MODULES.match(binding.module))
        return name == "BaseEntity"

    def _repository_classes(self, classes: list[Node] | tuple[Node, ...]) -> dict[str, str | None]:
        """Custom repositories declared here: ``class UserRepository extends Repository<User>``."""
        found: dict[str, str | None] = {}
        for cls in classes:
            match = REPOSITORY_TYPE.search(_extends_text(cls))
            if match and _class_name(cls):
                found[_class_name(cls)] = _entity_name(match.group(1))
        return found

    # -- transaction scopes ----------------------------------------------------

    def _scopes(self, calls: list[Node], decorators: list[Node]) -> list[Scope]:
        scopes: list[Scope] = []
        by_runner: dict[str, list[tuple[Node, str]]] = {}  # runner -> (call, method), in order
        for call in calls:
            method = member_name(call)
            if method not in SCOPE_METHODS or not is_shallow(call):
                continue
            if method == "transaction" or method in TRANSACTION_RUNNERS:
                scope = self._callback_scope(call, method)
                if scope is not None:
                    scopes.append(scope)
                continue
            runner = self.runner_name(call_receiver(call))
            if runner is not None:
                by_runner.setdefault(runner, []).append((call, method))
                self.runner_calls.append((call, runner, method))
        for runner, runner_calls in by_runner.items():
            scopes.extend(self._runner_scopes(runner, runner_calls))
        for decorator in decorators:
            scope = self._decorator_scope(decorator)
            if scope is not None:
                scopes.append(scope)
        outer_all_own = [s for s in scopes if s.all_own]
        return [
            _with_all_own(s) if any(o is not s and o.contains(s.node) for o in outer_all_own) else s
            for s in scopes
        ]

    def runner_name(self, node: Node | None) -> str | None:
        """The name of the query runner an expression is, or None."""
        if node is None:
            return None
        handle = self.resolve(node)
        if handle is None or handle.kind != QUERY_RUNNER:
            return None
        return handle.runner or node_text(node)

    def _callback_scope(self, call: Node, method: str) -> Scope | None:
        args = call_arguments(call)
        callback = unwrap(args[-1]) if args else None
        if callback is None or callback.type not in FUNCTION_TYPES:
            return None
        receiver = call_receiver(call)
        if method in TRANSACTION_RUNNERS:
            if (receiver is None) != (method != "withTransaction"):
                return None
            return Scope(
                "callback", callback, callback.start_byte, callback.end_byte, call,
                all_own=True, label=f"{method}()",
            )  # fmt: skip
        if receiver is None:
            return None
        handle = self.resolve(receiver)
        typeorm = handle is not None and handle.kind in (
            DATASOURCE, MANAGER, QUERY_RUNNER_MANAGER
        )  # fmt: skip
        params = function_parameters(callback)
        manager = None
        if params:
            names = list(pattern_names(params[0]))
            first = params[0]
            simple = first.child_by_field_name("pattern") if first.type != "identifier" else first
            if len(names) == 1 and simple is not None and simple.type == "identifier":
                manager = names[0]
        return Scope(
            "callback", callback, callback.start_byte, callback.end_byte, call,
            manager=manager, typeorm=typeorm, label=f"{_short(node_text(receiver))}.transaction()",
        )  # fmt: skip

    def _runner_scopes(self, runner: str, calls: list[tuple[Node, str]]) -> Iterator[Scope]:
        """From each ``startTransaction()`` to the last commit before the runner's
        next start in the same function (else the first rollback, else the end of
        the function); one pass over the runner's calls, in document order."""
        starts = [i for i, (_, method) in enumerate(calls) if method == "startTransaction"]
        for position, index in enumerate(starts):
            start = calls[index][0]
            # the function the statements belong to: promise-chain callbacks count for it
            function = owner_function(start)
            limit = function.end_byte if function is not None else root_of(start).end_byte
            following = starts[position + 1] if position + 1 < len(starts) else len(calls)
            commits: list[int] = []
            rollbacks: list[int] = []
            for call, method in calls[index + 1 : following]:
                if call.end_byte > limit:
                    break
                if method == "commitTransaction":
                    commits.append(call.start_byte)
                elif method == "rollbackTransaction":
                    rollbacks.append(call.start_byte)
            if following < len(calls) and calls[following][0].end_byte <= limit:
                limit = calls[following][0].start_byte
            end = max(commits) if commits else min(rollbacks) if rollbacks else limit
            yield Scope(
                "query_runner", function or root_of(start), start.end_byte, end, start,
                runner=runner, label=f"{runner}.startTransaction()",
            )  # fmt: skip

    def _decorator_scope(self, decorator: Node) -> Scope | None:
        name, _ = _decorator_call(decorator)
        if name not in ("Transactional", "Transaction"):
            return None
        method = decorator.next_named_sibling
        while method is not None and method.type in ("decorator", "comment"):
            method = method.next_named_sibling
        if method is None or method.type != "method_definition":
            return None
        if name == "Transactional":
            return Scope(
                "decorator", method, method.start_byte, method.end_byte, None,
                all_own=True, label="@Transactional()",
            )  # fmt: skip
        manager = None
        for param in function_parameters(method):
            if any(_decorator_call(d)[0] == "TransactionManager" for d in _decorators_of(param)):
                names = list(pattern_names(param))
                manager = names[0] if names else None
        return Scope(
            "decorator", method, method.start_byte, method.end_byte, None,
            manager=manager, label="@Transaction()",
        )  # fmt: skip


def _innermost_scopes(writes: list[Write], scopes: list[Scope]) -> dict[int, Scope]:
    """``scope_of`` for every write in one sweep over both, in document order."""
    ordered = sorted(scopes, key=lambda s: s.start)
    found: dict[int, Scope] = {}
    active: list[Scope] = []
    next_scope = 0
    for write in sorted(writes, key=lambda w: w.call.start_byte):
        position = write.call.start_byte
        while next_scope < len(ordered) and ordered[next_scope].start <= position:
            active.append(ordered[next_scope])
            next_scope += 1
        active = [s for s in active if s.end >= position]
        around = [s for s in active if s.contains(write.call)]
        if around:
            found[write.call.id] = min(around, key=lambda s: s.end - s.start)
    return found


# -- path counting ------------------------------------------------------------------


def _path_counts(function: Node, writes: list[Write]) -> tuple[int, set[int]]:
    """Bottom-up over the ancestors of the writes only: no walk of the whole body."""
    children: dict[int, list[Node]] = {}
    nodes: dict[int, Node] = {function.id: function}
    depth: dict[int, int] = {function.id: 0}
    write_ids = {w.call.id for w in writes}
    repeated: set[int] = set()
    for write in writes:
        chain = [write.call]
        for parent in ancestors(write.call):
            chain.append(parent)
            if parent.id == function.id:
                break
        else:
            continue  # not inside this function
        in_loop = False
        for child, parent in pairwise(chain):
            if _repeats(parent, child):
                in_loop = True
            if child.id not in nodes:
                nodes[child.id] = child
                children.setdefault(parent.id, []).append(child)
        if in_loop:
            repeated.add(write.call.id)
        for index, node in enumerate(reversed(chain)):
            depth[node.id] = max(depth.get(node.id, 0), index)
    order = sorted(nodes.values(), key=lambda n: depth.get(n.id, 0), reverse=True)
    value: dict[int, int] = {}
    for node in order:
        kids = children.get(node.id, [])
        own = 1 if node.id in write_ids else 0
        value[node.id] = own + _combine(node, [(k, value.get(k.id, 0)) for k in kids])
    return value.get(function.id, 0), repeated


def _repeats(parent: Node, child: Node) -> bool:
    """Does ``child`` run repeatedly as part of ``parent``?"""
    if parent.type in LOOP_TYPES:
        return child == parent.child_by_field_name("body")
    if parent.type in FUNCTION_TYPES:
        return callback_role(parent) == "iterate"
    return False


def _combine(node: Node, kids: list[tuple[Node, int]]) -> int:
    kind = node.type
    if not kids:
        return 0
    if kind in ("if_statement", "ternary_expression"):
        branches = (
            node.child_by_field_name("consequence"),
            node.child_by_field_name("alternative"),
        )
        arms = [v for k, v in kids if k in branches]
        rest = sum(v for k, v in kids if k not in branches)
        return rest + (max(arms) if arms else 0)
    if kind == "switch_body":
        return max(v for _, v in kids)
    if kind == "try_statement":
        body = node.child_by_field_name("body")
        handler = node.child_by_field_name("handler")
        tried = max([v for k, v in kids if k in (body, handler)] or [0])
        return tried + sum(v for k, v in kids if k not in (body, handler))
    total = 0
    for kid, count in kids:
        total += count * 2 if _repeats(node, kid) else count
    return total


# -- small helpers -------------------------------------------------------------------


def _by_name(name: str, node: Node, members: bool = False) -> Handle | None:
    """rules.md's receiver names: ``*Repo``/``*Repository``, ``*dataSource``/
    ``*DataSource``, ``*queryRunner``, and exactly ``manager``, ``entityManager``,
    ``em``, ``transactionalEntityManager`` (so ``cacheManager`` is not a database)."""
    if name in MANAGER_NAMES and not members:
        return Handle(MANAGER, node, MANAGER)
    lowered = name.lower()
    if (
        name.endswith(("Repo", "Repository"))
        or name in ("repo", "repository")
        or lowered.endswith(("_repo", "_repository"))
    ):
        return Handle(REPOSITORY, node, REPOSITORY)
    if name.endswith(("dataSource", "DataSource")) or name == "datasource":
        return Handle(DATASOURCE, node, DATASOURCE)
    if lowered.endswith("queryrunner"):
        return Handle(QUERY_RUNNER, node, QUERY_RUNNER, runner=node_text(node))
    return None


def _reads_entity(call: Node) -> bool:
    method = member_name(call)
    return method.startswith(("find", "count", "exist")) or method in ("create", "preload")


def _with_param(handle: Handle, function: Node) -> Handle:
    return replace(handle, param_of=function)


def _with_all_own(scope: Scope) -> Scope:
    return Scope(
        scope.kind, scope.node, scope.start, scope.end, scope.call, scope.manager, scope.runner,
        True, scope.typeorm, scope.label,
    )  # fmt: skip


def _parameter_named(node: Node, name: str) -> tuple[Node, Node] | None:
    """(parameter, function) of the nearest function that binds ``name`` as a parameter."""
    for parent in ancestors(node):
        if parent.type in FUNCTION_TYPES:
            for param in function_parameters(parent):
                if name in pattern_names(param):
                    return param, parent
    return None


def _destructured_key(pattern: Node, name: str) -> str | None:
    for prop in pattern.named_children:
        if prop.type == "shorthand_property_identifier_pattern" and node_text(prop) == name:
            return name
        if prop.type == "pair_pattern" and node_text(prop.child_by_field_name("value")) == name:
            return node_text(prop.child_by_field_name("key"))
    return None


def _decorators_of(node: Node) -> list[Node]:
    return [c for c in node.children if c.type == "decorator"]


def _decorator_call(decorator: Node) -> tuple[str, list[Node]]:
    """``('InjectRepository', [Order])`` for ``@InjectRepository(Order)``."""
    inner = decorator.named_children[0] if decorator.named_children else None
    if inner is None:
        return "", []
    if inner.type == "call_expression":
        return _last_name(node_text(inner.child_by_field_name("function"))), call_arguments(inner)
    return _last_name(node_text(inner)), []


def _member_sources(cls: Node, prop: str) -> list[Node]:
    """What says what ``this.prop`` is: its decorators, its type annotation, its
    initialiser, a constructor parameter property, a constructor assignment."""
    body = cls.child_by_field_name("body")
    if body is None:
        return []
    sources: list[Node] = []
    for member in body.named_children:
        if member.type in FIELD_TYPES:
            name = member.child_by_field_name("name") or member.child_by_field_name("property")
            if node_text(name).lstrip("#") != prop:
                continue
            sources.extend(_decorators_of(member))
            for field in ("type", "value"):
                found = member.child_by_field_name(field)
                if found is not None:
                    sources.append(found)
        elif (
            member.type == "method_definition"
            and node_text(member.child_by_field_name("name")) == "constructor"
        ):
            for param in function_parameters(member):
                if param.type != "required_parameter" and param.type != "optional_parameter":
                    continue
                if list(pattern_names(param)) != [prop]:
                    continue
                is_property = any(
                    c.type in ("accessibility_modifier", "readonly") or node_text(c) == "readonly"
                    for c in param.children
                )
                if is_property:
                    sources.extend(_decorators_of(param))
                    annotation = param.child_by_field_name("type")
                    if annotation is not None:
                        sources.append(annotation)
            sources.extend(_constructor_assignments(member, prop))
    return sources


def _constructor_assignments(constructor: Node, prop: str) -> list[Node]:
    body = constructor.child_by_field_name("body")
    if body is None:
        return []
    found = []
    for node in descendants(body, 5000):
        if node.type != "assignment_expression":
            continue
        left = unwrap(node.child_by_field_name("left"))
        if (
            left is not None
            and left.type == "member_expression"
            and node_text(left.child_by_field_name("object")) == "this"
            and node_text(left.child_by_field_name("property")) == prop
        ):
            right = node.child_by_field_name("right")
            if right is not None:
                found.append(right)
    return found


def _extends_text(cls: Node) -> str:
    for child in cls.children:
        if child.type == "class_heritage":
            for clause in child.named_children:
                if clause.type == "extends_clause":
                    return node_text(clause).removeprefix("extends").strip()
            text = node_text(child)
            if text.startswith("extends"):
                return text.removeprefix("extends").split("implements")[0].strip()
    return ""


def _class_name(cls: Node) -> str:
    return node_text(cls.child_by_field_name("name"))


def _entity_name(text: str) -> str | None:
    """``Order`` from ``Repository<Order>``; None for ``any``, ``T``, ``TEntity``."""
    name = _last_name(text)
    if not re.fullmatch(r"[A-Z][A-Za-z0-9_]+", name) or re.fullmatch(r"T[A-Z]\w*", name):
        return None
    return name


def _last_name(text: str) -> str:
    return text.rsplit(".", 1)[-1].strip()


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LABEL_WIDTH else text[: LABEL_WIDTH - 1] + "…"


def _strictly_inside(inner: Node, outer: Node) -> bool:
    return (
        outer.start_byte <= inner.start_byte
        and inner.end_byte <= outer.end_byte
        and (inner.start_byte, inner.end_byte) != (outer.start_byte, outer.end_byte)
    )


def root_of(node: Node) -> Node:
    """The tree's root above a node."""
    top = node
    for parent in ancestors(node):
        top = parent
    return top


def _in_migrations_dir(path: str) -> bool:
    return any(part.lower() in MIGRATION_DIRS for part in PurePosixPath(path).parts[:-1])


def _uses_other_orm(sem: Semantics) -> bool:
    """A file on another ORM (and not on TypeORM): its save()/update() are not ours."""
    modules = {binding.module for binding in sem.imports.values()}
    return any(OTHER_ORMS.match(m) for m in modules) and not any(
        TYPEORM_MODULES.match(m) for m in modules
    )


def _sql_write_verb(sem: Semantics, node: Node) -> str | None:
    """INSERT/UPDATE/DELETE/REPLACE/MERGE when the SQL's known start says so."""
    value = sem.value(node)
    text: str | None = None
    if isinstance(value, Str):
        text = value.value
    elif isinstance(value, Template) and value.parts and isinstance(value.parts[0], Str):
        text = value.parts[0].value
    if text is None:
        return None
    match = SQL_WRITE.match(text)
    return match.group(1).upper() if match else None

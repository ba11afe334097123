"""Data facts: what DAT004, DAT005 and AUD001 need to know about TypeORM code.

Built on the shared per-file analyses (``typeorm.analyse`` for writes and
receivers, ``entities.entities_in`` for entity classes), so the file rules and
this extractor compute them once per file.

Kinds produced (plain dicts; ``place`` as ``Placer`` makes it):

* ``entities``: ``{name, kind, extends, place, version, delete_date, hooks}``:
  entity classes (and base classes with columns or listeners, kind ``base``;
  ``EntitySchema`` definitions, kind ``schema``); ``extends`` is the base
  class's name (None for TypeORM's ``BaseEntity``), ``version`` whether a
  ``@VersionColumn`` is declared, ``delete_date`` the ``@DeleteDateColumn``
  property, ``hooks`` the change listeners (``AfterUpdate``; never
  ``AfterLoad``);
* ``subscribers``: ``{name, extends, base, listens, has_listen_to, hooks, place}``:
  classes implementing ``EntitySubscriberInterface`` or decorated
  ``@EventSubscriber()``; ``listens`` the entity names ``listenTo()`` returns,
  None for every entity (no ``listenTo``, ``Object``, or a value we cannot
  read); ``hooks`` the insert/update/remove hook methods; ``base`` for an
  abstract class;
* ``writes``: ``{entity, method, label, place, function, context, hard}``:
  every TypeORM write with its entity class name (None when unknown), the id
  of the function it counts for, ``context`` (``migration``, ``seed``,
  ``hook`` for writes inside subscribers and entity classes, else ``""``) and
  ``hard`` (a delete meant to be permanent: a purge, or one aimed at rows
  already soft-deleted);
* ``functions``: ``{id, name, calls}`` for each function that writes: the
  callee texts of its calls (a first string argument appended as
  ``callee('literal')``) and of the decorators on it and its class, so the
  project rule can apply ``audit-functions``;
* ``rmw``: ``{entity, variable, field, read, lock, place, context}``: an
  entity read, a field of it changed from its own value (``place``), then
  saved; ``lock`` is ``none``, ``locked`` or ``unknown``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import cached_property
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from readylint import needles, typeorm
from readylint.entities import ENTITY_CAPTURES, file_entities
from readylint.facts import Fact, FileFacts, Placer, ProjectFacts
from readylint.patterns import descendants
from readylint.queries import holding
from readylint.semantics import (
    FUNCTION_TYPES,
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
from readylint.values import Obj, Str, Unknown, Value

if TYPE_CHECKING:
    from tree_sitter import Node

    from readylint.rule import FileContext

CAPTURES = tuple(sorted({*typeorm.CAPTURES, *ENTITY_CAPTURES, "assignment"}))
# lowered substrings, one of which a file must hold to have data facts (decorator forms,
# so words such as "identity" or "columns" do not send every file through the extractor)
NEEDLES = needles.declare(*typeorm.NEEDLES, b"@Entity", b"EntitySchema", b"@Column", b"Subscriber")

SUBSCRIBER_WORDS = needles.declare(b"subscriber", b"listenTo")
SUBSCRIBER_HOOK = re.compile(r"^(after|before)(Insert|Update|Remove|SoftRemove|Recover)$")
# a read that names an entity: findOne(...), getOrder(...), this.loadAccount(...)
READ_NAME = re.compile(r"^(find|get|load|fetch)([A-Z]\w*)?$")
NOT_READS = frozenset(
    {
        "get", "getRepository", "getTreeRepository", "getMongoRepository", "getCustomRepository",
        "getManager", "getConnection", "getCount", "getRawOne", "getRawMany", "getRawAndEntities",
        "getQuery", "getSql", "getParameters", "getMetadata", "getId", "getTime", "findIndex",
        "findLastIndex", "getOrThrow", "getHeader", "getRequest", "getResponse", "getItem",
        "fetchAll",
    }
)  # fmt: skip
# TypeORM's finders; the ``…By`` forms take a where clause only, so they never lock
TYPEORM_READS = frozenset(
    {
        "findOne", "findOneBy", "findOneOrFail", "findOneByOrFail", "find", "findBy",
        "findByIds", "findOneById", "getOne", "getOneOrFail", "getMany",
    }
)  # fmt: skip
LOCKLESS_READS = frozenset({"findOneBy", "findOneByOrFail", "findBy", "findByIds", "findOneById"})
ARRAY_CALLBACKS = frozenset({"find", "findLast", "filter", "some", "every"})
SELF_ASSIGN_OPERATORS = frozenset({"+=", "-=", "*=", "/=", "%=", "**="})
ARITHMETIC = frozenset({"+", "-", "*", "/", "%", "**"})
NUMERIC_WRAPPERS = frozenset(
    {"Number", "parseInt", "parseFloat", "BigInt", "Math.round", "Math.floor", "Math.ceil"}
)
# decimal.js / big.js / bignumber.js arithmetic: balance = balance.minus(amount)
DECIMAL_METHODS = frozenset(
    {"plus", "minus", "times", "mul", "sub", "div", "multipliedBy", "dividedBy"}
)
# a lock, or an isolation level that detects lost updates, anywhere in the function
LOCK_TEXT = re.compile(
    r"pessimistic|setLock\s*\(|\bFOR\s+(?:NO\s+KEY\s+)?UPDATE\b|\bFOR\s+SHARE\b|"
    r"SERIALIZABLE|REPEATABLE[\s_]READ|\block\s*:|"
    # an application lock around the whole read-modify-write
    r"redlock|mutex|semaphore|runExclusive|advisory_x?lock|\block\w*\s*\(|\.acquire\w*\s*\(",
    re.I,
)
# an argument that may be find options (TypeORM 0.2's findOne(id) takes an id first)
OPTIONS_NAME = re.compile(r"option|opts|query|criteria|condition|filter|where|find", re.I)
LOCKED_NAME = re.compile(r"lock|forupdate", re.I)
# a delete meant to be permanent: the function says so, or it aims at deleted rows
HARD_DELETE_NAME = re.compile(
    r"purge|hard_?delete|permanent|force_?delete|erase|anonymi[sz]e", re.I
)
DELETED_ROWS = re.compile(r"withDeleted|deleted_?at", re.I)
LISTENER_DECORATOR = re.compile(r"@\s*(After|Before)(Insert|Update|Remove|SoftRemove|Recover)\b")
# seeds/, seeders/, seed.ts, users.seed.ts, UserSeeder.ts (not seedwork/)
SEED_WORDS = frozenset({"seed", "seeds", "seeder", "seeders", "seeding"})
MIGRATION_DIRS = frozenset({"migrations", "migration"})
MAX_CALLS = 300  # callee texts kept per function
MAX_CALLEE = 120
MAX_RIGHT_NODES = 200  # nodes looked at on the right of `x.f = …`
MAX_HOPS = 3
MAX_PATH = 32  # parts of a callee path


def extract(ctx: FileContext, place: Placer) -> FileFacts:
    return _Extractor(ctx, place).run()


class _Extractor:
    def __init__(self, ctx: FileContext, place: Placer) -> None:
        self.ctx = ctx
        self.sem = ctx.semantics
        self.place = place
        self.path = ctx.source.path
        self.orm = typeorm.analyse(ctx)
        self.facts: FileFacts = {
            k: [] for k in ("entities", "subscribers", "writes", "functions", "rmw")
        }
        self.calls = ctx.captures.get("call", [])  # in document order
        self.call_starts = [c.start_byte for c in self.calls]
        self.subscriber_classes: list[Node] = []  # writes in them are hooks
        self.function_text: dict[int, str] = {}

    def run(self) -> FileFacts:
        self._entity_facts()
        # a subscriber says so: EntitySubscriberInterface, @EventSubscriber, listenTo() or
        # a name with Subscriber in it; other classes are not read member by member
        words = self.ctx.mentions.starts(SUBSCRIBER_WORDS)
        for node in holding(self.ctx.captures.get("class", []), words):
            self._subscriber(node)
        if self.orm.writes:
            self._writes()
            self._read_modify_writes()
        return {k: v for k, v in self.facts.items() if v}

    # -- entities ---------------------------------------------------------------

    def _entity_facts(self) -> None:
        for entity in file_entities(self.ctx):
            if not entity.name or entity.orm.startswith("@mikro-orm"):
                continue
            delete_date = next((p.name for p in entity.properties if p.is_delete_date), None)
            self.facts["entities"].append(
                {
                    "name": entity.name,
                    "kind": entity.kind,
                    "extends": None if entity.extends_orm_base else _base_name(entity.extends),
                    "place": self.place(*entity.name_range),
                    "version": any(p.is_version for p in entity.properties),
                    "delete_date": delete_date,
                    "hooks": sorted({x.hook for x in entity.listeners if x.is_change_hook}),
                }
            )

    # -- subscribers ------------------------------------------------------------

    def _subscriber(self, node: Node) -> None:
        heritage = next((c for c in node.named_children if c.type == "class_heritage"), None)
        implements = heritage is not None and "EntitySubscriberInterface" in node_text(heritage)
        decorated = any(
            node_text(d).lstrip("@").startswith(("EventSubscriber", "typeorm.EventSubscriber"))
            for d in _class_decorators(node)
        )
        body = node.child_by_field_name("body")
        name = node.child_by_field_name("name")
        if body is None:
            return
        hooks: list[str] = []
        listens: list[str] | None = None
        has_listen_to = False
        for member in body.named_children:
            member_name_node = member.child_by_field_name("name") or member.child_by_field_name(
                "property"
            )
            member_name_text = node_text(member_name_node)
            if SUBSCRIBER_HOOK.match(member_name_text):
                hooks.append(member_name_text)
            elif member_name_text == "listenTo":
                listens = self._listened(member)
                has_listen_to = True
        # a JavaScript subscriber cannot say `implements`: its listenTo() or its
        # name with its hooks say it (it is registered in the DataSource options)
        named = "Subscriber" in node_text(name) and bool(hooks)
        if not (implements or decorated or has_listen_to or named):
            return
        self.subscriber_classes.append(node)
        extends = None
        if heritage is not None:
            match = re.search(r"\bextends\s+([\w$.]+)", node_text(heritage))
            extends = match.group(1).rsplit(".", 1)[-1] if match else None
        self.facts["subscribers"].append(
            {
                "name": node_text(name),
                "extends": extends,
                "base": node.type == "abstract_class_declaration",
                "listens": listens,
                "has_listen_to": has_listen_to,
                "hooks": sorted(set(hooks)),
                "place": self.place.node(name if name is not None else node),
            }
        )

    def _listened(self, member: Node) -> list[str] | None:
        """What ``listenTo()`` returns: entity names, or None for every entity (no
        return we can read, ``Object``, or something computed)."""
        function: Node | None = member
        if member.type != "method_definition":
            function = unwrap(member.child_by_field_name("value"))
        if function is None or function.type not in FUNCTION_TYPES:
            return None
        body = function.child_by_field_name("body")
        if body is None:
            return None
        returned: Node | None = body
        if body.type == "statement_block":
            statements = [s for s in body.named_children if s.type == "return_statement"]
            if len(statements) != 1 or not statements[0].named_children:
                return None
            returned = statements[0].named_children[0]
        returned = unwrap(returned)
        if returned is not None and returned.type == "as_expression" and returned.named_children:
            returned = unwrap(returned.named_children[0])
        if returned is None:
            return None
        if returned.type == "string":
            return [string_value(returned)]
        if returned.type == "identifier":
            schema = self._schema_name(returned)
            if schema is not None:
                return [schema]
        if returned.type in ("identifier", "member_expression"):
            name = node_text(returned).rsplit(".", 1)[-1]
            return None if name == "Object" else [name]
        return None

    def _schema_name(self, ident: Node) -> str | None:
        """``'Note'`` for a name bound here to ``new EntitySchema({ name: 'Note' })``."""
        declarator = self.sem.binding_of(ident)
        value = unwrap(declarator.child_by_field_name("value")) if declarator else None
        if value is None or value.type != "new_expression":
            return None
        if node_text(call_function(value)).rsplit(".", 1)[-1] != "EntitySchema":
            return None
        args = call_arguments(value)
        options = self.sem.value(args[0]) if args else None
        named = options.get("name") if isinstance(options, Obj) else None
        return named.value if isinstance(named, Str) else None

    # -- writes and the functions that make them ----------------------------------

    def _writes(self) -> None:
        functions: dict[str, Node | None] = {}
        for write in self.orm.writes:
            function = typeorm.owner_function(write.call)
            function_id = self._function_id(function)
            functions.setdefault(function_id, function)
            fact: Fact = {
                "entity": write.entity,
                "method": write.method,
                "label": write.label,
                "place": self.place.node(write.call),
                "function": function_id,
                "context": self._context(write.call, function),
            }
            if write.method in ("delete", "remove"):
                fact["hard"] = self._hard_delete(write, function)
            self.facts["writes"].append(fact)
        for function_id, function in functions.items():
            name = _function_label(function)
            self.facts["functions"].append(
                {"id": function_id, "name": name, "calls": self._callees(function)}
            )

    def _function_id(self, function: Node | None) -> str:
        return f"{self.path}:{function.start_byte if function is not None else 'module'}"

    def _context(self, node: Node, function: Node | None) -> str:
        path = PurePosixPath(self.path)
        if any(part.lower() in MIGRATION_DIRS for part in path.parts[:-1]) or (
            function is not None and typeorm.is_migration_method(function, self.path)
        ):
            return "migration"
        if _is_seed_path(path):
            return "seed"
        if any(c.start_byte <= node.start_byte < c.end_byte for c in self.subscriber_classes):
            return "hook"
        if function is not None and any(
            LISTENER_DECORATOR.match(node_text(d)) for d in _function_decorators(function)
        ):
            return "hook"
        return ""

    def _hard_delete(self, write: typeorm.Write, function: Node | None) -> bool:
        if function is not None and HARD_DELETE_NAME.search(typeorm.function_name(function)[1]):
            return True
        arguments = write.call.child_by_field_name("arguments")
        if arguments is not None and DELETED_ROWS.search(node_text(arguments)):
            return True
        return function is not None and "withDeleted" in self._text(function)

    def _callees(self, function: Node | None) -> list[str]:
        """Callee texts of the calls in a function (nested callbacks included) and
        of the decorators on it and on its class."""
        start = function.start_byte if function is not None else 0
        end = function.end_byte if function is not None else len(self.ctx.source.data)
        found: dict[str, None] = {}
        index = bisect_left(self.call_starts, start)
        while index < len(self.calls) and self.calls[index].start_byte < end:
            if len(found) >= MAX_CALLS:
                break
            call = self.calls[index]
            index += 1
            callee = _callee_path(call_function(call))
            if not callee:
                continue
            found[callee] = None
            args = call_arguments(call)
            if args and args[0].type == "string":
                found[_compact(f"{callee}('{string_value(args[0])}')")] = None
        if function is not None:
            for decorator in _function_decorators(function):
                found[_compact(node_text(decorator).lstrip("@"))] = None
        return list(found)

    def _text(self, function: Node) -> str:
        text = self.function_text.get(function.id)
        if text is None:
            text = self.function_text[function.id] = node_text(function)
        return text

    # -- read-modify-write ------------------------------------------------------

    def _read_modify_writes(self) -> None:
        saves = [w for w in self.orm.writes if w.method == "save"]
        done: set[int] = set()  # one finding per read
        if saves:
            for node in self.ctx.captures.get("assignment", []):
                changed = _self_change(node)
                if changed is not None:
                    self._candidate(node, *changed, saves, None, done)
        # repo.update(p.id, { stock: p.stock - 1 }): the new value computed in the
        # application and written back
        for write in self.orm.writes:
            if write.method in ("update", "save", "upsert"):
                for pair, obj, field in _self_changed_pairs(write.call):
                    self._candidate(pair, obj, field, saves, write, done)

    def _candidate(
        self,
        node: Node,
        obj: Node,
        field: str,
        saves: list[typeorm.Write],
        written: typeorm.Write | None,
        done: set[int],
    ) -> None:
        """A change of ``obj.field`` from its own value: a finding candidate when
        ``obj`` was read and is then saved (or ``written`` writes the value)."""
        variable = node_text(obj)
        origin = self._origin(obj)
        if origin is None:
            return
        read, collection = origin
        if read.id in done or read.end_byte > node.start_byte:
            return
        function = typeorm.owner_function(node)
        save = written or self._save_of(saves, function, node, {variable, collection} - {""})
        if save is None:
            return
        done.add(read.id)
        lock, entity = self._lock_and_entity(read, function)
        self.facts["rmw"].append(
            {
                "entity": entity or save.entity or self._annotated_entity(obj),
                "variable": variable,
                "field": field,
                "read": _callee_path(call_function(read)) + "()",
                "lock": lock,
                "place": self.place.node(node),
                "context": self._context(node, function),
            }
        )

    def _origin(self, obj: Node) -> tuple[Node, str] | None:
        """The read call a variable holds, and the name of the collection it was
        taken from ("" for a single entity): ``const x = await repo.findOneBy(…)``,
        ``for (const x of await repo.findBy(…))``, ``read().then((x) => …)``."""
        declarator = self.sem.binding_of(obj)
        if declarator is not None:
            pattern = declarator.child_by_field_name("name")
            if pattern is None or pattern.type != "identifier":
                return None  # destructured: a part of what was read
            read = _read_call(declarator.child_by_field_name("value"))
            return (read, "") if read is not None and self._is_read(read) else None
        name = node_text(obj)
        for parent in typeorm.ancestors(obj):
            if parent.type == "for_in_statement":
                left = unwrap(parent.child_by_field_name("left"))
                if left is not None and left.type == "identifier" and node_text(left) == name:
                    return self._collection_read(parent.child_by_field_name("right"))
            if parent.type in FUNCTION_TYPES:
                params = function_parameters(parent)
                if not params or name not in pattern_names(params[0]):
                    if any(name in pattern_names(p) for p in params):
                        return None
                    continue
                return self._callback_read(parent)
        return None

    def _collection_read(self, node: Node | None) -> tuple[Node, str] | None:
        node = unwrap(node)
        read = _read_call(node)
        if read is not None:
            return (read, "") if self._is_read(read) else None
        if node is None or node.type != "identifier":
            return None
        declarator = self.sem.binding_of(node)
        if declarator is None:
            return None
        read = _read_call(declarator.child_by_field_name("value"))
        return (read, node_text(node)) if read is not None and self._is_read(read) else None

    def _callback_read(self, function: Node) -> tuple[Node, str] | None:
        """``read().then((x) => …)`` and ``items.forEach((x) => …)`` over a read."""
        role = typeorm.callback_role(function)
        if role is None:
            return None
        arguments = parent_of(function)
        call = parent_of(arguments) if arguments is not None else None
        if call is None or call.type != "call_expression":
            return None
        if role == "once" and member_name(call) == "then":
            read = _read_call(call_receiver(call))
            return (read, "") if read is not None and self._is_read(read) else None
        if role == "iterate" and member_name(call) == "forEach":
            return self._collection_read(call_receiver(call))
        return None

    def _is_read(self, call: Node) -> bool:
        method = member_name(call)
        if not READ_NAME.match(method) or method in NOT_READS:
            return False
        args = call_arguments(call)
        # items.find((x) => …) is an array method, not a query
        return not (
            method in ARRAY_CALLBACKS and args and unwrap(args[0]) is not None
            and unwrap(args[0]).type in FUNCTION_TYPES  # type: ignore[union-attr]
        )  # fmt: skip

    def _save_of(
        self, saves: list[typeorm.Write], function: Node | None, change: Node, names: set[str]
    ) -> typeorm.Write | None:
        """The first TypeORM save after the change, in the same function, of the
        changed entity (or of the collection it came from)."""
        for save in saves:
            if save.call.start_byte < change.end_byte:
                continue
            if typeorm.owner_function(save.call) != function:
                continue
            if save.kind == typeorm.ACTIVE_RECORD and save.receiver_text in names:
                return save
            for argument in call_arguments(save.call):
                arg = unwrap(argument)
                if arg is None:
                    continue
                if arg.type == "identifier" and node_text(arg) in names:
                    return save
                if arg.type == "array" and any(
                    node_text(unwrap(item)) in names for item in arg.named_children
                ):
                    return save
        return None

    def _lock_and_entity(self, read: Node, function: Node | None) -> tuple[str, str | None]:
        """``none``, ``locked`` or ``unknown``, and the entity the read names."""
        if function is not None and self._locked_around(function):
            return "locked", None
        method = member_name(read)
        if LOCKED_NAME.search(method):
            return "locked", None
        builder = self._query_builder(read)
        if builder is not None:
            return builder
        receiver = call_receiver(read)
        handle = self.orm.resolve(receiver) if receiver is not None else None
        args = call_arguments(read)
        if handle is None or method not in TYPEORM_READS:
            # a helper or service method: it cannot hold a lock for us unless it is
            # handed our manager or query runner
            handed = any(self._is_connection(a) for a in args)
            return ("unknown" if handed else "none"), None
        entity = handle.entity
        options = args
        if handle.kind in typeorm.MANAGER_KINDS and args:
            entity = entity or _class_name(args[0])
            options = args[1:]
        if method in LOCKLESS_READS:
            return "none", entity
        for arg in options:
            value = self.sem.value(arg)
            if isinstance(value, Obj):
                if value.has("lock"):
                    if not _dirty_read(value.get("lock")):
                        return "locked", entity
                elif value.has_spread:
                    return "unknown", entity
            elif isinstance(value, Unknown) and OPTIONS_NAME.search(node_text(arg)):
                return "unknown", entity  # options built elsewhere may hold a lock
        return "none", entity

    def _locked_around(self, function: Node) -> bool:
        """A lock, or an isolation level that detects lost updates, in the
        function, on it (``@Transactional({ isolationLevel })``), or around it
        (``mutex.runExclusive(async () => …)``, ``redlock.using(…, async () => …)``)."""
        if LOCK_TEXT.search(self._text(function)):
            return True
        if any(LOCK_TEXT.search(node_text(d)) for d in _function_decorators(function)):
            return True
        arguments = parent_of(function)
        call = parent_of(arguments) if arguments is not None else None
        return (
            call is not None
            and call.type == "call_expression"
            and LOCK_TEXT.search(_callee_path(call_function(call)) + "()") is not None
        )

    def _query_builder(self, read: Node) -> tuple[str, str | None] | None:
        """A query-builder read: locked when its chain calls ``setLock``."""
        methods: list[str] = []
        current: Node | None = read
        hops = 0
        for _ in range(typeorm.MAX_CHAIN):
            current = unwrap(current)
            if current is not None and current.type == "await_expression":
                current = unwrap(current.named_children[0]) if current.named_children else None
            if current is None:
                return None
            if current.type == "identifier" and hops < MAX_HOPS:
                hops += 1
                declarator = self.sem.binding_of(current)
                current = declarator.child_by_field_name("value") if declarator else None
                continue
            if current.type != "call_expression":
                return None
            method = member_name(current)
            methods.append(method)
            if method == "createQueryBuilder":
                break
            fn = call_function(current)
            if fn is None or fn.type != "member_expression":
                return None
            current = fn.child_by_field_name("object")
        else:
            return None
        if current is None:
            return None
        entity = None
        receiver = call_receiver(current)
        handle = self.orm.resolve(receiver) if receiver is not None else None
        if handle is not None:
            entity = handle.entity
        args = call_arguments(current)
        if entity is None and args and len(args) > 1:
            entity = _class_name(args[0])
        return ("locked" if "setLock" in methods else "none"), entity

    def _is_connection(self, node: Node) -> bool:
        handle = self.orm.resolve(node) if unwrap(node) is not None else None
        return handle is not None and handle.kind in (
            typeorm.MANAGER, typeorm.QUERY_RUNNER_MANAGER, typeorm.QUERY_RUNNER
        )  # fmt: skip

    def _annotated_entity(self, obj: Node) -> str | None:
        declarator = self.sem.binding_of(obj)
        annotation = declarator.child_by_field_name("type") if declarator is not None else None
        text = node_text(annotation).lstrip(":").strip()
        match = re.fullmatch(r"([A-Z]\w*)(?:\s*\|\s*(?:null|undefined))*", text)
        return match.group(1) if match else None


# -- helpers -----------------------------------------------------------------------


def _self_change(node: Node) -> tuple[Node, str] | None:
    """(the object, the field) when ``node`` changes ``x.field`` from its own value:
    ``x.f++``, ``x.f -= n``, ``x.f = x.f - n``, ``x.f = Number(x.f) + n``."""
    if node.type == "update_expression":
        target = unwrap(node.child_by_field_name("argument"))
    else:
        target = unwrap(node.child_by_field_name("left"))
    if target is None or target.type != "member_expression":
        return None
    obj = unwrap(target.child_by_field_name("object"))
    field = node_text(target.child_by_field_name("property"))
    if obj is None or obj.type != "identifier" or not field:
        return None
    if node.type == "augmented_assignment_expression":
        operator = node_text(node.child_by_field_name("operator"))
        return (obj, field) if operator in SELF_ASSIGN_OPERATORS else None
    if node.type == "assignment_expression":
        right = node.child_by_field_name("right")
        return (obj, field) if right is not None and _computed_from(right, target) else None
    return obj, field


def _self_changed_pairs(call: Node) -> list[tuple[Node, Node, str]]:
    """(pair, object, field) for ``{ stock: p.stock - 1 }`` in a write's arguments."""
    found = []
    for argument in call_arguments(call):
        literal = unwrap(argument)
        if literal is None or literal.type != "object":
            continue
        for pair in literal.named_children:
            if pair.type != "pair":
                continue
            key = node_text(pair.child_by_field_name("key"))
            value = pair.child_by_field_name("value")
            if value is None:
                continue
            for member in [value, *descendants(value, MAX_RIGHT_NODES)]:
                if member.type != "member_expression":
                    continue
                obj = unwrap(member.child_by_field_name("object"))
                if (
                    obj is not None
                    and obj.type == "identifier"
                    and node_text(member.child_by_field_name("property")) == key
                    and _computed_from(value, member)
                ):
                    found.append((pair, obj, key))
                    break
    return found


def _computed_from(right: Node, target: Node) -> bool:
    """Does ``right`` do arithmetic on ``target`` (``x.f - n``, ``x.f.minus(n)``)?"""
    wanted = _compact(node_text(target))
    for node in [right, *descendants(right, MAX_RIGHT_NODES)]:
        if node.type == "binary_expression":
            if node_text(node.child_by_field_name("operator")) not in ARITHMETIC:
                continue
            for side in ("left", "right"):
                if _is_operand(node.child_by_field_name(side), wanted):
                    return True
        elif (
            node.type == "call_expression"
            and member_name(node) in DECIMAL_METHODS
            and _is_operand(call_receiver(node), wanted)
        ):
            return True
    return False


def _is_operand(node: Node | None, wanted: str) -> bool:
    """``x.f``, ``(x.f)``, ``+x.f``, ``x.f!``, ``Number(x.f)``, ``new Decimal(x.f)``."""
    for _ in range(8):
        node = unwrap(node)
        if node is None:
            return False
        if node.type == "unary_expression":
            node = node.child_by_field_name("argument")
            continue
        if node.type in ("as_expression", "non_null_expression", "satisfies_expression"):
            node = node.named_children[0] if node.named_children else None
            continue
        if node.type == "binary_expression" and node_text(node.child_by_field_name("operator")) in (
            "||",
            "??",
        ):
            node = node.child_by_field_name("left")  # (x.f || 0) + 1
            continue
        if node.type == "call_expression" and node_text(call_function(node)) in NUMERIC_WRAPPERS:
            args = call_arguments(node)
            node = args[0] if args else None
            continue
        if node.type == "new_expression":
            args = call_arguments(node)
            node = args[0] if len(args) == 1 else None
            continue
        if node.type == "call_expression" and not call_arguments(node):
            # x.f.toNumber(), x.f.valueOf()
            fn = call_function(node)
            node = fn.child_by_field_name("object") if fn is not None else None
            if fn is None or fn.type != "member_expression":
                return False
            continue
        return node.type == "member_expression" and _compact(node_text(node)) == wanted
    return False


def _is_seed_path(path: PurePosixPath) -> bool:
    return any(
        word.lower() in SEED_WORDS
        for part in path.parts
        for word in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])", part)
    )


def _dirty_read(lock: Value | None) -> bool:
    """``lock: { mode: 'dirty_read' }`` asks for no lock at all."""
    mode = lock.get("mode") if isinstance(lock, Obj) else None
    return isinstance(mode, Str) and mode.value == "dirty_read"


def _read_call(node: Node | None) -> Node | None:
    """The call an initialiser awaits: ``await repo.findOneBy(…)``, also with a
    fallback (``await repo.findOne(…) ?? repo.create(…)``)."""
    for _ in range(4):
        node = unwrap(node)
        if node is None:
            return None
        if node.type == "await_expression":
            node = node.named_children[0] if node.named_children else None
            continue
        if node.type == "binary_expression" and node_text(node.child_by_field_name("operator")) in (
            "||",
            "??",
        ):
            node = node.child_by_field_name("left")
            continue
        if node.type in ("as_expression", "non_null_expression", "satisfies_expression"):
            node = node.named_children[0] if node.named_children else None
            continue
        return node if node.type == "call_expression" else None
    return None


def _class_name(node: Node | None) -> str | None:
    node = unwrap(node)
    if node is None:
        return None
    if node.type == "string":
        text = string_value(node)
    elif node.type in ("identifier", "member_expression"):
        text = node_text(node).rsplit(".", 1)[-1]
    else:
        return None
    return text if re.fullmatch(r"[A-Z]\w*", text) else None


def _base_name(extends: str | None) -> str | None:
    """``Base`` from ``Base``, ``models.Base`` or ``Base<Order>``."""
    if not extends:
        return None
    match = re.match(r"[\w$.]+", extends)
    return match.group(0).rsplit(".", 1)[-1] if match else None


def _class_decorators(node: Node) -> list[Node]:
    found = [c for c in node.named_children if c.type == "decorator"]
    parent = parent_of(node)
    if parent is not None and parent.type == "export_statement":
        found.extend(c for c in parent.named_children if c.type == "decorator")
    return found


def _function_decorators(function: Node) -> list[Node]:
    """Decorators on a method (TypeScript puts them before it in the class body)
    and on its class."""
    found = [c for c in function.named_children if c.type == "decorator"]
    if function.type == "method_definition":
        sibling = function.prev_named_sibling
        steps = 0
        while sibling is not None and sibling.type in ("decorator", "comment") and steps < 20:
            if sibling.type == "decorator":
                found.append(sibling)
            sibling = sibling.prev_named_sibling
            steps += 1
        cls = typeorm.enclosing_class(function)
        if cls is not None:
            found.extend(_class_decorators(cls))
    return found


def _callee_path(node: Node | None) -> str:
    """A callee with its arguments left out: ``this.repo.createQueryBuilder().getOne``."""
    parts: list[str] = []
    for _ in range(MAX_PATH):
        node = unwrap(node)
        if node is None:
            break
        if node.type == "member_expression":
            parts.append("." + node_text(node.child_by_field_name("property")))
            node = node.child_by_field_name("object")
        elif node.type == "call_expression":
            parts.append("()")
            node = call_function(node)
        elif node.type == "await_expression" and node.named_children:
            node = node.named_children[0]
        elif node.type in ("identifier", "this", "super", "property_identifier"):
            parts.append(node_text(node))
            break
        else:
            parts.append("…")
            break
    return _compact("".join(reversed(parts)))


def _function_label(function: Node | None) -> str:
    """How messages name a function: ``createOrder()``, or for an anonymous
    callback the call it is passed to: ``the router.post() handler``."""
    if function is None:
        return "top-level code"
    label = typeorm.function_name(function)[1]
    if label != "this function":
        return label
    arguments = parent_of(function)
    call = parent_of(arguments) if arguments is not None else None
    if call is not None and call.type == "call_expression":
        return f"the {_callee_path(call_function(call))}() handler"
    return "an anonymous function"


def _compact(text: str) -> str:
    """Whitespace removed, long chains cut to their last part (the method name is there)."""
    text = "".join(text.split())
    return text if len(text) <= MAX_CALLEE else text[-MAX_CALLEE:]


# -- the project side: what the rules ask of the merged facts -------------------------

MAX_CHAIN = 8  # base classes followed, at most


class DataProject:
    """Entities and subscribers across the project, looked up by class name."""

    def __init__(self, facts: ProjectFacts) -> None:
        self.facts = facts
        self.entities: dict[str, list[Fact]] = {}
        for entity in facts["entities"]:
            self.entities.setdefault(entity["name"], []).append(entity)
        self.subscribers: dict[str, list[Fact]] = {}
        for subscriber in facts["subscribers"]:
            self.subscribers.setdefault(subscriber["name"], []).append(subscriber)

    def chain(self, name: str) -> tuple[list[Fact], bool]:
        """The entity facts of a class and its base classes, and whether every
        base class was found (TypeORM's ``BaseEntity`` needs no finding)."""
        found: list[Fact] = []
        complete = True
        pending = [name]
        seen: set[str] = set()
        while pending and len(seen) < MAX_CHAIN:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            facts = self.entities.get(current)
            if not facts:
                complete = False
                continue
            found.extend(facts)
            pending.extend(f["extends"] for f in facts if f["extends"])
        return found, complete and not pending

    def has_version(self, name: str) -> bool:
        return any(f["version"] for f in self.chain(name)[0])

    def delete_date(self, name: str) -> str | None:
        return next((f["delete_date"] for f in self.chain(name)[0] if f["delete_date"]), None)

    def subscribed(self, name: str) -> bool:
        """Does a subscriber with an insert/update/remove hook listen to this
        class, one of its base classes, or every entity?"""
        if self._listened is None:
            return True
        chain = {f["name"] for f in self.chain(name)[0]} | {name}
        return bool(chain & self._listened)

    @cached_property
    def _listened(self) -> set[str] | None:
        """Every class a registered subscriber with a change hook listens to;
        None when one listens to every entity."""
        extended = {s["extends"] for s in self.facts["subscribers"] if s["extends"]}
        listened: set[str] = set()
        for subscriber in self.facts["subscribers"]:
            if subscriber["base"] or subscriber["name"] in extended:
                continue  # a base class: its subclasses say what they listen to
            hooks, listens = self._inherited(subscriber)
            if not hooks:
                continue
            if listens is None:
                return None
            listened.update(listens)
        return listened

    def _inherited(self, subscriber: Fact) -> tuple[bool, list[str] | None]:
        """(has a change hook, listened entities or None for all), following the
        subscriber's base classes; a base we cannot see may hold the hooks."""
        hooks = bool(subscriber["hooks"])
        listens = subscriber["listens"]
        has_listen_to = subscriber["has_listen_to"]
        current = subscriber
        for _ in range(MAX_CHAIN):
            base_name = current["extends"]
            if not base_name or (hooks and has_listen_to):
                break
            bases = self.subscribers.get(base_name)
            if not bases:
                hooks = True  # a base class elsewhere: unknown, so it counts
                break
            current = bases[0]
            hooks = hooks or bool(current["hooks"])
            if not has_listen_to and current["has_listen_to"]:
                listens, has_listen_to = current["listens"], True
        return hooks, listens

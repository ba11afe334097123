"""TypeORM entity classes of one file, as plain data.

``entities_in(captures, sem)`` reads the classes (and simple ``EntitySchema``
definitions) of one file and describes each as an ``EntityClass``: its name
and byte ranges, its class decorators (``@Entity('orders')``,
``@ChildEntity()``, ``@ViewEntity()``), what it extends, its properties with
their decorators (``@Column``, ``@CreateDateColumn``, relations, ...) and its
listener methods (``@AfterInsert``, ``@BeforeUpdate``, ...). The result holds
names, flags and byte ranges only, so the file pass can hand it to project
rules as facts (picklable, JSON-friendly via ``dataclasses.asdict``).

Decorators are named by what they resolve to: ``@OrmEntity()`` with
``import { Entity as OrmEntity } from 'typeorm'`` is ``Entity``, and
``@typeorm.Column()`` is ``Column``. ``orm`` says where the class decorator
comes from (``typeorm``, ``@mikro-orm/core``; ``""`` when the name is not
imported), so a rule can leave a look-alike ``@Entity`` of some other
library alone. A class that carries no entity decorator but has ORM columns
or listeners (an abstract ``BaseModel`` with timestamps or audit hooks) is
returned too, with kind ``base``, so a rule can follow ``extends``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

from readylint.semantics import (
    Semantics,
    call_arguments,
    call_function,
    node_text,
    parent_of,
    string_value,
    unwrap,
)
from readylint.values import Bool, Obj, Str

if TYPE_CHECKING:
    from tree_sitter import Node

    from readylint.rule import FileContext

# what a rule must list in ``captures`` for ``entities_in`` to see everything
ENTITY_CAPTURES = ("class", "new")

ORM_MODULE = re.compile(r"^(typeorm|@mikro-orm/[\w-]+)(/.*)?$")
ENTITY_DECORATORS = {"Entity": "entity", "ChildEntity": "child_entity", "ViewEntity": "view_entity"}
CREATE_DATE = frozenset({"CreateDateColumn"})
UPDATE_DATE = frozenset({"UpdateDateColumn"})
DELETE_DATE = frozenset({"DeleteDateColumn"})
VERSION = frozenset({"VersionColumn"})
PRIMARY = frozenset({"PrimaryGeneratedColumn", "PrimaryColumn", "ObjectIdColumn", "PrimaryKey"})
COLUMN_DECORATORS = frozenset(
    {
        "Column", "ViewColumn", "Property", "Enum", "Formula", "Embedded", "TreeLevelColumn",
        *CREATE_DATE, *UPDATE_DATE, *DELETE_DATE, *VERSION, *PRIMARY,
    }
)  # fmt: skip
RELATION_DECORATORS = frozenset(
    {
        "OneToOne", "OneToMany", "ManyToOne", "ManyToMany", "RelationId",
        "TreeParent", "TreeChildren", "Relation",
    }
)  # fmt: skip
LISTENER_DECORATORS = frozenset(
    {
        "AfterInsert", "AfterUpdate", "AfterRemove", "AfterSoftRemove", "AfterRecover",
        "BeforeInsert", "BeforeUpdate", "BeforeRemove", "BeforeSoftRemove", "BeforeRecover",
        "AfterLoad",
    }
)  # fmt: skip
ORM_BASES = frozenset({"BaseEntity"})  # TypeORM's and MikroORM's: no columns of their own
CLASS_TYPES = frozenset({"class_declaration", "abstract_class_declaration", "class"})
FIELD_TYPES = frozenset({"public_field_definition", "field_definition"})

# Classes that only ever get rows appended: AUD001's ``exclude-entities`` and
# AUD002's ``append-only-entities`` default. fnmatch patterns on the class
# name, case-sensitive (``*Log`` matches ``EventLog``, not ``Catalog``).
APPEND_ONLY_PATTERNS = ("*Audit*", "*Log", "*Logs", "*History", "*Migration*")


def matches_patterns(name: str, patterns: Iterable[str]) -> bool:
    """Does a class name match one of the fnmatch-style patterns (case-sensitive)?"""
    return any(fnmatchcase(name, pattern) for pattern in patterns)


@dataclass(frozen=True)
class EntityProperty:
    """A property of an entity class, or a column of an ``EntitySchema``."""

    name: str
    decorators: tuple[str, ...]  # resolved names, in source order: ('Column', 'Index')
    column_name: str | None  # @Column({ name: 'created_at' }) -> 'created_at'
    embedded: str | None  # @Column(() => Timestamps) -> 'Timestamps' (an embedded entity)
    name_range: tuple[int, int]

    def has(self, *decorators: str) -> bool:
        return any(d in decorators for d in self.decorators)

    @property
    def is_column(self) -> bool:
        return any(d in COLUMN_DECORATORS for d in self.decorators)

    @property
    def is_relation(self) -> bool:
        return any(d in RELATION_DECORATORS for d in self.decorators)

    @property
    def is_create_date(self) -> bool:
        return any(d in CREATE_DATE for d in self.decorators)

    @property
    def is_update_date(self) -> bool:
        return any(d in UPDATE_DATE for d in self.decorators)

    @property
    def is_delete_date(self) -> bool:
        return any(d in DELETE_DATE for d in self.decorators)

    @property
    def is_version(self) -> bool:
        return any(d in VERSION for d in self.decorators)

    @property
    def is_primary(self) -> bool:
        return any(d in PRIMARY for d in self.decorators)


@dataclass(frozen=True)
class EntityListener:
    """A method decorated with an entity listener (``@AfterUpdate() log() {}``)."""

    method: str
    hook: str  # 'AfterUpdate'
    name_range: tuple[int, int]

    @property
    def is_change_hook(self) -> bool:
        """Insert/update/remove/recover hooks; ``@AfterLoad`` changes nothing."""
        return self.hook != "AfterLoad"


@dataclass(frozen=True)
class EntityClass:
    """An entity (or a base class with ORM columns) declared in one file."""

    name: str  # '' for an anonymous class
    kind: str  # entity | child_entity | view_entity | base | schema
    orm: str  # module of the entity decorator ('typeorm'); '' when not imported
    table: str | None  # @Entity('orders') / @Entity({ name: 'orders' })
    decorators: tuple[str, ...]  # class decorators, resolved names
    extends: str | None  # the extends expression as written: 'BaseEntity', 'mixin(Base)'
    extends_module: str | None  # where that name is imported from, None when not imported
    extends_local: bool  # the base class is declared in this file
    is_abstract: bool
    exported: bool
    properties: tuple[EntityProperty, ...]
    listeners: tuple[EntityListener, ...]
    name_range: tuple[int, int]  # the class name (or the class keyword / the schema call)
    range: tuple[int, int]  # the whole declaration

    @property
    def is_entity(self) -> bool:
        """A table of its own or of its parent: @Entity, @ChildEntity, EntitySchema."""
        return self.kind in ("entity", "child_entity", "schema")

    @property
    def is_orm(self) -> bool:
        return bool(ORM_MODULE.match(self.orm))

    @property
    def extends_orm_base(self) -> bool:
        """Extends TypeORM's/MikroORM's ``BaseEntity``, which adds no columns."""
        if self.extends is None:
            return False
        last = self.extends.rsplit(".", 1)[-1]
        if last not in ORM_BASES:
            return False
        if self.extends_module is None:
            return not self.extends_local  # a project's own BaseEntity may hold columns
        return bool(ORM_MODULE.match(self.extends_module))

    def property_named(self, name: str) -> EntityProperty | None:
        return next((p for p in self.properties if p.name == name), None)


def file_entities(ctx: FileContext) -> list[EntityClass]:
    """The file's entities, built once per file for every rule and fact extractor."""
    found = ctx.shared_analysis(
        "entities",
        lambda: entities_in(
            ctx.captures, ctx.semantics, b"EntitySchema" in ctx.mentions, ctx.source.data
        ),
    )
    return found  # type: ignore[no-any-return]


def entities_in(
    captures: dict[str, list[Node]],
    sem: Semantics,
    schemas: bool = True,
    source: bytes | None = None,
) -> list[EntityClass]:
    """Entity classes and base classes with ORM columns, in document order;
    ``schemas``: look for ``new EntitySchema(…)`` too (False when the file never
    names it: each ``new`` would be resolved for nothing). With the ``source``
    bytes, a class without an ``@`` in it is passed over: without a decorator it is
    neither an entity nor a base class with columns or listeners."""
    found: list[EntityClass] = []
    classes = captures.get("class", ())
    local = {node_text(n.child_by_field_name("name")) for n in classes} - {""}
    for node in classes:
        if source is not None and not _may_be_decorated(node, source):
            continue
        entity = _class_entity(node, sem, local)
        if entity is not None:
            found.append(entity)
    for node in captures.get("new", ()) if schemas else ():
        entity = _schema_entity(node, sem)
        if entity is not None:
            found.append(entity)
    found.sort(key=lambda e: e.range[0])
    return found


# -- classes ----------------------------------------------------------------


def _may_be_decorated(node: Node, source: bytes) -> bool:
    """Is there an ``@`` in the class, or in the export statement holding it (where
    TypeScript puts ``@Entity() export class …``'s decorators)?"""
    return source.find(b"@", _statement_of(node).start_byte, node.end_byte) >= 0


def _statement_of(node: Node) -> Node:
    """The export statement holding a class, or the class itself."""
    holder = parent_of(node)
    return holder if holder is not None and _is_export(holder) else node


def _class_entity(node: Node, sem: Semantics, local: set[str]) -> EntityClass | None:
    body = node.child_by_field_name("body")
    if body is None:
        return None
    decorators = list(_class_decorators(node))
    resolved = [_resolve_decorator(d, sem) for d in decorators]
    kind, orm, table = "base", "", None
    for (name, module), decorator in zip(resolved, decorators, strict=True):
        if name in ENTITY_DECORATORS:
            kind, orm = ENTITY_DECORATORS[name], module
            table = _table_name(decorator, sem)
            break
    properties, listeners = _members(body, sem)
    if (
        kind == "base"
        and not listeners
        and not any(p.is_column or p.is_relation for p in properties)
    ):
        return None  # neither an entity nor a base class with columns or listeners
    name_node = node.child_by_field_name("name")
    extends, extends_module = _extends(node, sem)
    start_node = _statement_of(node)
    return EntityClass(
        name=node_text(name_node),
        kind=kind,
        orm=orm,
        table=table,
        decorators=tuple(name for name, _ in resolved),
        extends=extends,
        extends_module=extends_module,
        extends_local=extends_module is None and extends in local,
        is_abstract=node.type == "abstract_class_declaration",
        exported=start_node is not node,
        properties=tuple(properties),
        listeners=tuple(listeners),
        name_range=_range(name_node if name_node is not None else node.children[0]),
        range=_range(start_node),
    )


def _is_export(node: Node) -> bool:
    return node.type == "export_statement"


def _class_decorators(node: Node) -> Iterator[Node]:
    """``@Entity() export class X`` puts the decorator on the export statement,
    ``export @Entity() class X`` and ``@Entity() class X`` on the class."""
    holder = parent_of(node)
    if holder is not None and _is_export(holder):
        yield from (c for c in holder.named_children if c.type == "decorator")
    yield from (c for c in node.named_children if c.type == "decorator")


def _resolve_decorator(decorator: Node, sem: Semantics) -> tuple[str, str]:
    """(exported name, module) of ``@X()``/``@X``/``@ns.X()``; module '' when unbound."""
    expr = next((c for c in decorator.named_children if c.type != "comment"), None)
    if expr is not None and expr.type == "call_expression":
        expr = call_function(expr)
    expr = unwrap(expr)
    if expr is None:
        return ("", "")
    reference = sem.reference(expr)
    if reference is not None:
        return (reference[1], reference[0])
    if expr.type == "member_expression":
        return (node_text(expr.child_by_field_name("property")), "")
    return (node_text(expr), "")


def _decorator_arguments(decorator: Node) -> list[Node]:
    expr = next((c for c in decorator.named_children if c.type != "comment"), None)
    if expr is None or expr.type != "call_expression":
        return []
    return call_arguments(expr)


def _table_name(decorator: Node, sem: Semantics) -> str | None:
    """``@Entity('orders')``, ``@Entity({ name: 'orders' })``, ``@Entity('orders', {...})``."""
    for arg in _decorator_arguments(decorator)[:2]:
        value = sem.value(arg)
        if isinstance(value, Str):
            return value.value
        if isinstance(value, Obj):
            for key in ("name", "tableName"):
                named = value.get(key)
                if isinstance(named, Str):
                    return named.value
    return None


def _extends(node: Node, sem: Semantics) -> tuple[str | None, str | None]:
    for heritage in node.named_children:
        if heritage.type != "class_heritage":
            continue
        for clause in heritage.named_children:
            # TypeScript wraps the base in an extends_clause; JavaScript does not
            if clause.type == "implements_clause":
                continue
            base = unwrap(
                clause.child_by_field_name("value") if clause.type == "extends_clause" else clause
            )
            if base is None:
                return (None, None)
            root = base
            while root.type == "member_expression":
                inner = unwrap(root.child_by_field_name("object"))
                if inner is None:
                    break
                root = inner
            module = None
            if root.type == "identifier":
                binding = sem.import_of(root)
                module = binding.module if binding is not None else None
            return (node_text(base), module)
    return (None, None)


def _members(body: Node, sem: Semantics) -> tuple[list[EntityProperty], list[EntityListener]]:
    """Properties and listener methods; TypeScript puts a method's decorators
    before it in the class body, a field's (and every JavaScript member's) inside."""
    properties: list[EntityProperty] = []
    listeners: list[EntityListener] = []
    pending: list[Node] = []
    for member in body.named_children:
        if member.type == "decorator":
            pending.append(member)
            continue
        if member.type == "comment":
            continue
        decorators = pending + [c for c in member.named_children if c.type == "decorator"]
        pending = []
        if member.type in FIELD_TYPES:
            prop = _property(member, decorators, sem)
            if prop is not None:
                properties.append(prop)
        elif member.type == "method_definition":
            name_node = member.child_by_field_name("name")
            for decorator in decorators:
                hook, _ = _resolve_decorator(decorator, sem)
                if hook in LISTENER_DECORATORS and name_node is not None:
                    listeners.append(EntityListener(node_text(name_node), hook, _range(name_node)))
                elif hook in COLUMN_DECORATORS and name_node is not None:
                    # a decorated accessor is a column too (rare, but TypeORM allows it)
                    properties.append(
                        EntityProperty(node_text(name_node), (hook,), None, None, _range(name_node))
                    )
    return properties, listeners


def _property(member: Node, decorators: list[Node], sem: Semantics) -> EntityProperty | None:
    name_node = member.child_by_field_name("name") or member.child_by_field_name("property")
    if name_node is None or name_node.type not in (
        "property_identifier",
        "private_property_identifier",
        "string",
    ):
        return None
    name = string_value(name_node) if name_node.type == "string" else node_text(name_node)
    names: list[str] = []
    column_name: str | None = None
    embedded: str | None = None
    for decorator in decorators:
        resolved, _ = _resolve_decorator(decorator, sem)
        names.append(resolved)
        if resolved in COLUMN_DECORATORS:
            column_name = column_name or _column_name(decorator, sem)
            embedded = embedded or _embedded_class(decorator)
    return EntityProperty(name, tuple(names), column_name, embedded, _range(name_node))


def _column_name(decorator: Node, sem: Semantics) -> str | None:
    """``@Column({ name: 'created_at' })`` or ``@Column('timestamp', { name: ... })``;
    a lone string argument is the column type, not its name."""
    for arg in _decorator_arguments(decorator)[:2]:
        value = sem.value(arg)
        if isinstance(value, Obj):
            named = value.get("name") or value.get("fieldName")
            if isinstance(named, Str):
                return named.value
    return None


def _embedded_class(decorator: Node) -> str | None:
    """``@Column(() => Timestamps)`` / ``@Embedded(() => Audit)``: the embedded class."""
    args = _decorator_arguments(decorator)
    if not args or args[0].type not in ("arrow_function", "function_expression", "function"):
        return None
    body = args[0].child_by_field_name("body")
    body = unwrap(body)
    if body is not None and body.type in ("identifier", "member_expression"):
        return node_text(body)
    return "?"  # a function we cannot read: an embedded class all the same


# -- EntitySchema -------------------------------------------------------------

SCHEMA_FLAGS = (
    ("createDate", "CreateDateColumn"),
    ("updateDate", "UpdateDateColumn"),
    ("deleteDate", "DeleteDateColumn"),
    ("version", "VersionColumn"),
    ("primary", "PrimaryColumn"),
)
SCHEMA_RELATIONS = {
    "one-to-one": "OneToOne",
    "one-to-many": "OneToMany",
    "many-to-one": "ManyToOne",
    "many-to-many": "ManyToMany",
}


def _schema_entity(node: Node, sem: Semantics) -> EntityClass | None:
    """``new EntitySchema({ name, tableName, columns: {...}, relations: {...} })``."""
    ctor = unwrap(node.child_by_field_name("constructor"))
    if ctor is None:
        return None
    reference = sem.reference(ctor)
    if reference is None or reference[1] != "EntitySchema":
        return None
    args = call_arguments(node)
    options = sem.value(args[0]) if args else None
    if not isinstance(options, Obj):
        return None
    name_value = options.get("name")
    table_value = options.get("tableName")
    name = name_value.value if isinstance(name_value, Str) else ""
    properties: list[EntityProperty] = []
    columns = options.get("columns")
    if isinstance(columns, Obj):
        properties.extend(_schema_columns(columns))
    relations = options.get("relations")
    if isinstance(relations, Obj):
        for key in relations.keys:
            pair = relations.pair(key)
            spec = relations.get(key)
            kind = spec.get("type") if isinstance(spec, Obj) else None
            kind_name = kind.value if isinstance(kind, Str) else ""
            decorator = SCHEMA_RELATIONS.get(kind_name, "Relation")
            if pair is not None:
                properties.append(EntityProperty(key, (decorator,), None, None, _range(pair)))
    name_node = name_value.node if isinstance(name_value, Str) else None
    return EntityClass(
        name=name,
        kind="schema",
        orm=reference[0],
        table=table_value.value if isinstance(table_value, Str) else name or None,
        decorators=(),
        extends=None,
        extends_module=None,
        extends_local=False,
        is_abstract=False,
        exported=False,
        properties=tuple(properties),
        listeners=(),
        name_range=_range(name_node if name_node is not None else node),
        range=_range(node),
    )


def _schema_columns(columns: Obj) -> Iterator[EntityProperty]:
    for key in columns.keys:
        pair = columns.pair(key)
        spec = columns.get(key)
        if pair is None:
            continue
        flags: list[str] = ["Column"]
        column_name = None
        if isinstance(spec, Obj):
            for option, decorator in SCHEMA_FLAGS:
                flag = spec.get(option)
                if isinstance(flag, Bool) and flag.value:
                    flags.append(decorator)
            named = spec.get("name")
            column_name = named.value if isinstance(named, Str) else None
        yield EntityProperty(key, tuple(flags), column_name, None, _range(pair))


def _range(node: Node) -> tuple[int, int]:
    return (node.start_byte, node.end_byte)


def mentions_entities(data: bytes) -> bool:
    """A cheap byte test: could this file declare an entity?"""
    return b"Entity" in data or b"Column" in data

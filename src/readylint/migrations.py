"""TypeORM migrations: which classes are migrations, and their ``up``/``down``.

A class is a migration when it ``implements MigrationInterface`` or has an
``up`` method whose first parameter is a query runner (``up(queryRunner)``,
``up(qr: QueryRunner)``) and either lives in a file under a ``migrations``
(or ``migration``, TypeORM 0.2's default) directory or carries TypeORM's
timestamped name (``AddPhone1700000000000``). The second form covers CommonJS
migrations (``module.exports = class X1700000000000 {…}``), which cannot say
``implements``. Everything here is syntactic and bounded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from readylint.semantics import (
    FUNCTION_TYPES,
    ancestors,
    function_parameters,
    node_text,
    parameter_name,
    parent_of,
    unwrap,
)

if TYPE_CHECKING:
    from tree_sitter import Node

MIGRATION_DIRS = frozenset({"migrations", "migration"})
CLASS_TYPES = frozenset({"class_declaration", "abstract_class_declaration", "class"})
FIELD_TYPES = frozenset({"public_field_definition", "field_definition"})
RUNNER_NAME = re.compile(r"runner|^qr$", re.I)
MIGRATION_INTERFACE = re.compile(r"(^|\.)MigrationInterface$")
TIMESTAMPED = re.compile(r"[A-Za-z_]\d{13}$")  # TypeORM names migrations Name + Date.now()


@dataclass(frozen=True)
class Migration:
    """One migration class and the functions of its ``up`` and ``down``."""

    node: Node  # the class
    name: str  # '' for an anonymous class expression
    up: Node | None  # a function node: method_definition, arrow_function, function
    down: Node | None
    extends: bool  # a base class may supply what the class does not declare

    @property
    def name_node(self) -> Node:
        """Where findings about the class go: its name, else the ``class`` keyword."""
        return self.node.child_by_field_name("name") or self.node


def in_migrations_dir(path: str) -> bool:
    return any(part.lower() in MIGRATION_DIRS for part in PurePosixPath(path).parts[:-1])


def migration(cls: Node, path: str) -> Migration | None:
    """The migration a class node is, or None when it is not one."""
    if cls.type not in CLASS_TYPES or cls.type == "abstract_class_declaration":
        return None  # an abstract base leaves up/down to its subclasses
    methods = class_methods(cls)
    up = methods.get("up")
    declared = _implements_migration_interface(cls)
    if not declared and not (
        up is not None
        and takes_query_runner(up)
        and (in_migrations_dir(path) or TIMESTAMPED.search(_class_name(cls)))
    ):
        return None
    return Migration(
        cls,
        _class_name(cls),
        up,
        methods.get("down"),
        _has_extends(cls),
    )


def _class_name(cls: Node) -> str:
    """The class's own name, else the variable an anonymous class is assigned to."""
    name = cls.child_by_field_name("name")
    if name is not None:
        return node_text(name)
    holder = parent_of(cls)
    if holder is not None and holder.type == "variable_declarator":
        return node_text(holder.child_by_field_name("name"))
    return ""


def class_methods(cls: Node) -> dict[str, Node]:
    """Method name -> function node, for methods and arrow-function fields."""
    body = cls.child_by_field_name("body")
    found: dict[str, Node] = {}
    if body is None:
        return found
    for member in body.named_children:
        if member.type == "method_definition":
            found.setdefault(node_text(member.child_by_field_name("name")), member)
        elif member.type in FIELD_TYPES:
            value = unwrap(member.child_by_field_name("value"))
            name = member.child_by_field_name("name") or member.child_by_field_name("property")
            if value is not None and value.type in FUNCTION_TYPES:
                found.setdefault(node_text(name), value)
    return found


def takes_query_runner(function: Node) -> bool:
    params = function_parameters(function)
    if not params:
        return False
    first = params[0]
    annotation = first.child_by_field_name("type")
    if annotation is not None and "QueryRunner" in node_text(annotation):
        return True
    return bool(RUNNER_NAME.search(parameter_name(first)))


def runner_name(function: Node) -> str:
    """The name ``up``/``down`` gives its query runner ('' when it takes none)."""
    params = function_parameters(function)
    return parameter_name(params[0]) if params else ""


def enclosing_method(node: Node) -> tuple[Node, str, Node] | None:
    """(class, method name, function node) of the class method ``node`` is in,
    looking through nested callbacks (``tables.map(t => …)`` inside ``up``)."""
    for parent in ancestors(node):
        if parent.type == "class_body":
            return None
        owner = parent_of(parent)
        if owner is None:
            return None
        if parent.type == "method_definition" and owner.type == "class_body":
            return _method_of(owner, node_text(parent.child_by_field_name("name")), parent)
        if parent.type in FUNCTION_TYPES and owner.type in FIELD_TYPES:
            holder = parent_of(owner)
            name = owner.child_by_field_name("name") or owner.child_by_field_name("property")
            if holder is not None and holder.type == "class_body":
                return _method_of(holder, node_text(name), parent)
    return None


def _method_of(body: Node, name: str, function: Node) -> tuple[Node, str, Node] | None:
    cls = parent_of(body)
    return (cls, name, function) if cls is not None else None


def _heritage(cls: Node) -> Node | None:
    return next((c for c in cls.named_children if c.type == "class_heritage"), None)


def _implements_migration_interface(cls: Node) -> bool:
    heritage = _heritage(cls)
    if heritage is None:
        return False
    for clause in heritage.named_children:
        if clause.type == "implements_clause":
            for implemented in clause.named_children:
                base = implemented
                if implemented.type == "generic_type":
                    base = implemented.named_children[0]
                if MIGRATION_INTERFACE.search(node_text(base)):
                    return True
    return False


def _has_extends(cls: Node) -> bool:
    heritage = _heritage(cls)
    if heritage is None:
        return False
    # TypeScript wraps the base in an extends_clause; JavaScript puts it directly
    return any(c.type != "implements_clause" for c in heritage.named_children)

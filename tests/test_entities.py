"""The shared TypeORM entity reader, the AUD002 option and the CMP001 name test."""

from __future__ import annotations

import json
import pickle
from dataclasses import asdict

import pytest

from readylint import parsing, queries
from readylint.config import Config
from readylint.discovery import Candidate
from readylint.engine import build_settings, lint_bytes, select_rules
from readylint.entities import ENTITY_CAPTURES, EntityClass, entities_in, matches_patterns
from readylint.rules.cmp001_sensitive_data_in_logs import is_sensitive_name
from readylint.semantics import Semantics

ENTITIES = """
import * as orm from 'typeorm';
import {
  AfterLoad, AfterUpdate, BaseEntity, BeforeInsert, ChildEntity, Column, CreateDateColumn,
  DeleteDateColumn, Entity as Table, ManyToOne, PrimaryGeneratedColumn, VersionColumn,
} from 'typeorm';
import { BaseModel } from './base.model';

export abstract class Stamped {
  @CreateDateColumn() createdAt: Date;
}

@Table('orders')
export class Order extends BaseEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'total_amount', type: 'numeric' }) total: string;
  @ManyToOne(() => User) user: User;
  @DeleteDateColumn() deletedAt?: Date;
  @VersionColumn() version: number;
  @Column(() => Money) price: Money;

  @AfterUpdate()
  @BeforeInsert()
  audit() {}

  @AfterLoad() hydrate() {}
}

@orm.Entity({ name: 'refunds' })
class Refund extends BaseModel<Refund> {}

@ChildEntity()
export class Gift extends Order {}

export const Category = new orm.EntitySchema({
  name: 'Category',
  columns: { id: { primary: true, type: Number }, createdAt: { createDate: true } },
  relations: { parent: { type: 'many-to-one', target: 'Category' } },
});
"""


def read(code: str, language: str = "typescript") -> list[EntityClass]:
    tree = parsing.parse(language, code.encode())
    names = tuple(sorted({*queries.SEMANTIC_CAPTURES, *ENTITY_CAPTURES}))
    captures = queries.run(language, names, tree.root_node)
    # with the source, as the engine calls it (classes without an @ are passed over)
    return entities_in(captures, Semantics(tree.root_node, captures), True, code.encode())


def test_a_decorated_class_without_columns_is_still_an_entity() -> None:
    code = (
        "import { Entity } from 'typeorm';\n@Entity()\nexport class Empty {\n  id: number;\n}\n"
        "export class Plain { x = 1; }\n"
    )
    assert [(e.name, e.kind) for e in read(code)] == [("Empty", "entity")]


def test_entities_are_read_with_their_columns_and_listeners() -> None:
    found = {e.name: e for e in read(ENTITIES)}
    assert list(found) == ["Stamped", "Order", "Refund", "Gift", "Category"]
    stamped, order = found["Stamped"], found["Order"]
    assert (stamped.kind, stamped.is_abstract, stamped.is_entity) == ("base", True, False)
    assert (order.kind, order.orm, order.table, order.exported) == (
        "entity",
        "typeorm",
        "orders",
        True,
    )
    assert order.decorators == ("Entity",)
    assert order.extends == "BaseEntity" and order.extends_orm_base
    total = order.property_named("total")
    assert total is not None and total.column_name == "total_amount" and total.is_column
    assert order.property_named("user").is_relation  # type: ignore[union-attr]
    assert order.property_named("deletedAt").is_delete_date  # type: ignore[union-attr]
    assert order.property_named("version").is_version  # type: ignore[union-attr]
    assert order.property_named("price").embedded == "Money"  # type: ignore[union-attr]
    hooks = [(listener.method, listener.hook) for listener in order.listeners]
    assert hooks == [("audit", "AfterUpdate"), ("audit", "BeforeInsert"), ("hydrate", "AfterLoad")]
    assert [listener.is_change_hook for listener in order.listeners] == [True, True, False]


def test_bases_schemas_and_child_entities() -> None:
    found = {e.name: e for e in read(ENTITIES)}
    refund = found["Refund"]
    assert (refund.table, refund.extends, refund.extends_module) == (
        "refunds",
        "BaseModel",
        "./base.model",
    )
    assert not refund.extends_orm_base and not refund.exported
    assert found["Gift"].kind == "child_entity" and found["Gift"].is_entity
    category = found["Category"]
    assert category.kind == "schema" and category.table == "Category"
    assert category.property_named("createdAt").is_create_date  # type: ignore[union-attr]
    assert category.property_named("parent").has("ManyToOne")  # type: ignore[union-attr]


def test_name_ranges_point_at_the_class_name() -> None:
    order = next(e for e in read(ENTITIES) if e.name == "Order")
    start, end = order.name_range
    assert ENTITIES.encode()[start:end] == b"Order"
    start, _ = order.range
    assert ENTITIES.encode()[start:].startswith(b"@Table('orders')")


def test_entities_are_plain_data() -> None:
    for entity in read(ENTITIES):
        assert pickle.loads(pickle.dumps(entity)) == entity
        json.dumps(asdict(entity))


def test_javascript_decorators_and_require() -> None:
    code = """
const { Entity, Column, AfterInsert } = require('typeorm');
@Entity()
class Session {
  @Column() userId;
  @AfterInsert() announce() {}
}
"""
    (session,) = read(code, "javascript")
    assert session.kind == "entity" and session.orm == "typeorm"
    assert [p.name for p in session.properties] == ["userId"]
    assert [listener.hook for listener in session.listeners] == ["AfterInsert"]


def test_a_base_class_with_listeners_only_is_kept_and_plain_classes_are_not() -> None:
    code = """
import { AfterInsert } from 'typeorm';
export abstract class Audited { @AfterInsert() record() {} }
class Plain { x = 1; method() {} }
"""
    (audited,) = read(code)
    assert audited.kind == "base" and [x.hook for x in audited.listeners] == ["AfterInsert"]


def test_deep_nesting_does_not_crash() -> None:
    code = "@Entity() class X { a = " + "[" * 10_000 + "]" * 10_000 + " }"
    (entity,) = read(code)
    assert entity.orm == "" and not entity.is_orm  # Entity is not imported: not ours
    deep = "logger.info(" + "[" * 10_000 + "password" + "]" * 10_000 + ");"
    assert _lint(deep, codes=("AUD002", "CMP001")) == []  # past the walk's bound: unknown


@pytest.mark.parametrize(
    ("name", "matched"),
    [
        ("AuditLog", True),
        ("UserAudit", True),
        ("EventLog", True),
        ("LoginLogs", True),
        ("OrderHistory", True),
        ("SchemaMigration", True),
        ("Catalog", False),
        ("Blog", False),
        ("Logo", False),
        ("Historian", False),
    ],
)
def test_append_only_patterns(name: str, matched: bool) -> None:
    from readylint.entities import APPEND_ONLY_PATTERNS

    assert matches_patterns(name, APPEND_ONLY_PATTERNS) is matched


def _lint(
    code: str, options: dict | None = None, codes: tuple[str, ...] = ("AUD002",)
) -> list[str]:
    config = Config()
    if options:
        config.rule_options = options
    rules = [r for r in select_rules(config) if r.code in codes]
    candidate = Candidate("ledger.entity.ts", "ledger.entity.ts", "ledger.entity.ts", True)
    result = lint_bytes(candidate, code.encode(), build_settings(config, rules))
    assert not [n for n in result.notifications if n.rule], result.notifications
    return [f.message for f in result.findings]


LEDGER = """
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity()
export class LedgerEntry {
  @PrimaryGeneratedColumn() id: number;
  @Column() amount: number;
  @CreateDateColumn() createdAt: Date;
}
"""


def test_append_only_entities_option() -> None:
    assert len(_lint(LEDGER)) == 1
    assert _lint(LEDGER, {"AUD002": {"append-only-entities": ["Ledger*"]}}) == []


@pytest.mark.parametrize(
    ("name", "sensitive"),
    [
        ("password", True),
        ("accessToken", True),
        ("refresh_token", True),
        ("clientSecret", True),
        ("x-api-key", True),
        ("apiKey", True),
        ("cardNumber", True),
        ("IBAN", True),
        ("DB_PASSWORD", True),
        ("authorization", True),
        ("authHeader", True),
        ("privateKey", True),
        ("validPassword", False),
        ("promptTokens", False),
        ("tokenCount", False),
        ("tokenExpiresAt", False),
        ("passwordResetSentAt", False),
        ("hasPassword", False),
        ("isTokenValid", False),
        ("passwordChanged", False),
        ("passwordHash", False),
        ("hashedPassword", False),
        ("nextToken", False),
        ("length", False),
        ("email", False),
    ],
)
def test_sensitive_names(name: str, sensitive: bool) -> None:
    assert is_sensitive_name(name) is sensitive

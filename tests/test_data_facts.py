"""The data facts extractor (entities, subscribers, writes, audit calls,
read-modify-writes) and the project rules that read them: DAT004, DAT005, AUD001."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from readylint import parsing, queries
from readylint.config import Config
from readylint.docs import all_docs
from readylint.engine import run, select_rules
from readylint.facts import Fact, Placer, data, wanted
from readylint.findings import Span
from readylint.needles import Mentions
from readylint.rule import FileContext
from readylint.source import SourceFile


def extract(code: str, path: str = "src/service.ts") -> dict[str, list[Fact]]:
    language = "javascript" if path.endswith((".js", ".cjs", ".mjs")) else "typescript"
    source = SourceFile.from_bytes(path, code.encode())
    tree = parsing.parse(language, source.data)
    names = tuple(sorted({*queries.SEMANTIC_CAPTURES, *data.CAPTURES}))
    captures = queries.run(language, names, tree.root_node)
    ctx = FileContext(source, tree, captures, False)

    def span(start: int, end: int) -> Span:
        a, b = source.position(start), source.position(end)
        return Span(a.line, a.column, a.column_utf16, b.line, b.column, b.column_utf16)

    assert wanted(("data",), Mentions(source.data)) == ("data",)
    return data.extract(ctx, Placer(path, span))


def lines(facts: list[Fact]) -> list[int]:
    return [f["place"]["line"] for f in facts]


def lint(tmp_path: Path, files: dict[str, str], **options: dict[str, object]):
    for name, text in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    config = Config(rule_options=dict(options))
    return run([tmp_path], config, select_rules(config))


def codes(result, code: str) -> list[tuple[str, int]]:
    return sorted(
        (f.path.rsplit("/", 1)[-1], f.span.line) for f in result.findings if f.rule == code
    )


# -- entities -------------------------------------------------------------------------

ENTITIES = """
import { AfterLoad, AfterUpdate, BaseEntity, Column, DeleteDateColumn, Entity,
  PrimaryGeneratedColumn, VersionColumn } from 'typeorm';
import { Audited } from './audited';

@Entity()
export class Order extends BaseEntity {
  @PrimaryGeneratedColumn() id: number;
  @VersionColumn() version: number;
  @DeleteDateColumn() deletedAt?: Date;
  @AfterLoad() hydrate() {}
  @AfterUpdate() log() {}
}

@Entity()
export class Line extends Audited<Line> {
  @Column() qty: number;
  @AfterLoad() hydrate() {}
}
"""


def test_entities_carry_version_delete_date_hooks_and_base() -> None:
    order, line = extract(ENTITIES, "src/entities.ts")["entities"]
    assert order["name"] == "Order" and order["extends"] is None  # TypeORM's BaseEntity
    assert order["version"] and order["delete_date"] == "deletedAt"
    assert order["hooks"] == ["AfterUpdate"]  # @AfterLoad changes nothing
    assert order["place"]["line"] == 7 and order["place"]["col"] == 14
    assert line["extends"] == "Audited" and not line["version"] and line["hooks"] == []


def test_entity_schema_flags() -> None:
    code = """
const { EntitySchema } = require('typeorm');
module.exports = new EntitySchema({
  name: 'Note',
  columns: { id: { type: 'int', primary: true }, v: { type: 'int', version: true },
    gone: { type: 'timestamp', deleteDate: true } },
});
"""
    (note,) = extract(code, "src/note.js")["entities"]
    assert (note["name"], note["kind"], note["version"], note["delete_date"]) == (
        "Note", "schema", True, "gone",
    )  # fmt: skip


# -- subscribers ---------------------------------------------------------------------

SUBSCRIBERS = """
import { EntitySubscriberInterface, EventSubscriber } from 'typeorm';
import { Order } from './order';

@EventSubscriber()
export class Everything implements EntitySubscriberInterface {
  afterInsert() {}
  afterLoad() {}
}

export class Orders implements EntitySubscriberInterface<Order> {
  listenTo() { return Order; }
  beforeUpdate() {}
}

@EventSubscriber()
export class Objects implements EntitySubscriberInterface {
  listenTo() { return Object; }
  afterRemove() {}
}

@EventSubscriber()
export class Named implements EntitySubscriberInterface {
  listenTo = () => 'Invoice';
  afterSoftRemove() {}
}

export abstract class Base<T> implements EntitySubscriberInterface<T> {
  afterUpdate() {}
}

@EventSubscriber()
export class Refunds extends Base<Refund> {
  listenTo() { return Refund as any; }
}

export class OrderHooks {
  afterInsert() {}
}
"""


def test_subscribers_listened_entities_and_hooks() -> None:
    found = {s["name"]: s for s in extract(SUBSCRIBERS)["subscribers"]}
    assert set(found) == {"Everything", "Orders", "Objects", "Named", "Base", "Refunds"}
    everything = found["Everything"]
    assert everything["listens"] is None and not everything["has_listen_to"]
    assert everything["hooks"] == ["afterInsert"]  # afterLoad is not a change hook
    assert found["Orders"]["listens"] == ["Order"] and found["Orders"]["hooks"] == ["beforeUpdate"]
    assert found["Objects"]["listens"] is None and found["Objects"]["has_listen_to"]
    assert found["Named"]["listens"] == ["Invoice"]
    assert found["Base"]["base"] and found["Base"]["listens"] is None
    assert found["Refunds"]["extends"] == "Base" and found["Refunds"]["listens"] == ["Refund"]
    assert found["Refunds"]["hooks"] == []


def test_javascript_subscriber_without_implements() -> None:
    code = """
const { Note } = require('../entity/note');
const NoteSchema = new (require('typeorm').EntitySchema)({ name: 'Memo', columns: {} });
class NoteSubscriber {
  listenTo() { return Note; }
  afterInsert(event) { console.log(event.entity); }
}
class ChangeSubscriber {
  afterUpdate(event) { console.log(event.entity); }
}
module.exports = { NoteSubscriber, ChangeSubscriber, NoteSchema };
"""
    found = {s["name"]: s for s in extract(code, "src/subscribers.js")["subscribers"]}
    assert found["NoteSubscriber"]["listens"] == ["Note"]
    assert found["ChangeSubscriber"]["listens"] is None


# -- writes and functions -------------------------------------------------------------

SERVICE = """
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Order } from './order.entity';
import { Audited } from './audited';

@Injectable()
export class OrdersService {
  constructor(
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    private readonly auditService: AuditService,
  ) {}

  async cancel(id: string) {
    await this.orders.update(id, { status: 'cancelled' });
    await this.auditService.record({ action: 'order.cancelled', id });
  }

  @Audited('order.paid')
  async pay(id: string) {
    await this.orders.update(id, { status: 'paid' });
    this.events.emit('audit.order', { id });
  }

  async purgeArchived() {
    await this.orders.delete({ archived: true });
  }

  async remove(id: string) {
    await this.orders
      .createQueryBuilder()
      .delete()
      .where('id = :id', { id })
      .execute();
  }
}
"""


def test_writes_name_their_entity_function_and_context() -> None:
    facts = extract(SERVICE)
    writes = facts["writes"]
    assert [(w["entity"], w["method"], w["context"]) for w in writes] == [
        ("Order", "update", ""),
        ("Order", "update", ""),
        ("Order", "delete", ""),
        ("Order", "delete", ""),
    ]
    assert lines(writes) == [16, 22, 27, 31]
    assert [w.get("hard") for w in writes] == [None, None, True, False]
    functions = {f["id"]: f for f in facts["functions"]}
    assert len(functions) == 4
    cancel = functions[writes[0]["function"]]
    assert cancel["name"] == "cancel()"
    assert "this.auditService.record" in cancel["calls"]
    pay = functions[writes[1]["function"]]
    assert "Audited('order.paid')" in pay["calls"]
    assert "this.events.emit('audit.order')" in pay["calls"]
    remove = functions[writes[3]["function"]]
    assert "this.orders.createQueryBuilder().delete().where().execute" in remove["calls"]


def test_write_contexts_migration_seed_hook() -> None:
    migration = """
import { MigrationInterface, QueryRunner } from 'typeorm';
export class Fill1 implements MigrationInterface {
  async up(queryRunner: QueryRunner) { await queryRunner.manager.update(Order, {}, { a: 1 }); }
  async down(queryRunner: QueryRunner) {}
}
"""
    assert [w["context"] for w in extract(migration, "src/db/1-fill.ts")["writes"]] == ["migration"]
    seed = "import { DataSource } from 'typeorm';\n" + (
        "export async function seed(ds: DataSource) { await ds.getRepository(User).save({}); }\n"
    )
    assert [w["context"] for w in extract(seed, "src/database/seeds/users.ts")["writes"]] == [
        "seed"
    ]
    hooks = """
import { EntitySubscriberInterface, InsertEvent, AfterInsert, Entity } from 'typeorm';
export class S implements EntitySubscriberInterface {
  async afterInsert(event: InsertEvent<any>) { await event.manager.insert(AuditLog, {}); }
}
@Entity()
export class User {
  @AfterInsert()
  async track() { await getRepository(Trace).insert({}); }
  static async rename(manager: EntityManager) { await manager.update(User, {}, {}); }
}
"""
    assert [w["context"] for w in extract(hooks)["writes"]] == ["hook", "hook", ""]


def test_anonymous_handlers_are_named_by_their_call() -> None:
    code = """
const { dataSource } = require('./db');
const repo = dataSource.getRepository('Member');
router.post('/members', async (req, res) => {
  await repo.insert({ email: req.body.email });
});
"""
    (function,) = extract(code, "src/routes.js")["functions"]
    assert function["name"] == "the router.post() handler"


# -- read-modify-write ------------------------------------------------------------------

RMW = """
import { DataSource, EntityManager, Repository } from 'typeorm';
import { InjectRepository } from '@nestjs/typeorm';
import { Wallet } from './wallet.entity';

export class WalletService {
  constructor(
    @InjectRepository(Wallet) private readonly wallets: Repository<Wallet>,
    private readonly dataSource: DataSource,
  ) {}

  async a(id: string, n: number) {
    const w = await this.wallets.findOneBy({ id });
    w.balance -= n;
    await this.wallets.save(w);
  }

  async b(id: string, n: number) {
    const w = await this.wallets.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    w.balance = w.balance - n;
    await this.wallets.save(w);
  }

  async c(id: string, options: object) {
    const w = await this.wallets.findOne(options);
    w.count++;
    await this.wallets.save(w);
  }

  async d(manager: EntityManager, id: string) {
    const w = await this.loadWallet(manager, id);
    w.failures = (w.failures || 0) + 1;
    await manager.save(w);
  }

  async e(id: string) {
    const w = await this.wallets.findOne(id);
    w.points = Number(w.points) + 5;
    await this.wallets.save(w);
  }

  async f(id: string) {
    const w = await this.wallets.createQueryBuilder('w').where('w.id = :id', { id }).getOne();
    w.balance = w.balance.minus(1);
    await this.wallets.save(w);
  }

  async g(id: string) {
    const w = await this.wallets.findOneBy({ id });
    w.balance = w.limit - 1;
    w.name = w.name.trim();
    w.seen = !w.seen;
    await this.wallets.save(w);
  }
}
"""


def test_read_modify_write_candidates_and_their_locks() -> None:
    found = extract(RMW)["rmw"]
    assert [(f["place"]["line"], f["field"], f["lock"]) for f in found] == [
        (14, "balance", "none"),
        (20, "balance", "locked"),
        (26, "count", "unknown"),
        (32, "failures", "unknown"),
        (38, "points", "none"),
        (44, "balance", "none"),
    ]
    assert found[0]["entity"] == "Wallet" and found[0]["read"] == "this.wallets.findOneBy()"
    assert found[5]["entity"] == "Wallet"


def test_values_written_back_by_update() -> None:
    code = """
import { Repository } from 'typeorm';
export class S {
  constructor(private readonly products: Repository<Product>) {}
  async a(id: string, n: number) {
    const p = await this.products.findOneBy({ id });
    await this.products.update(p.id, { name: p.name, stock: p.stock - n });
  }
  async b(id: string, dto: { stock: number }) {
    const p = await this.products.findOneBy({ id });
    await this.products.update(p.id, { stock: dto.stock - 1, sold: () => 'sold + 1' });
  }
}
"""
    found = extract(code)["rmw"]
    assert [(f["place"]["line"], f["field"], f["entity"]) for f in found] == [
        (7, "stock", "Product")
    ]
    assert found[0]["place"]["col"] == 54  # the `stock: …` pair


def test_loops_callbacks_and_active_record() -> None:
    code = """
import { BaseEntity, Entity, In } from 'typeorm';
@Entity() export class Seat extends BaseEntity {}
const seats = AppDataSource.getRepository(Seat);

export async function hold(ids: string[]) {
  const list = await seats.findBy({ id: In(ids) });
  for (const seat of list) {
    seat.available -= 1;
  }
  await seats.save(list);
}

export async function release(ids: string[]) {
  const list = await seats.findBy({ id: In(ids) });
  list.forEach((seat) => { seat.available += 1; });
  await seats.save(list);
}

export function bump(id: string) {
  return seats.findOneByOrFail({ id }).then((seat) => {
    seat.views++;
    return seats.save(seat);
  });
}

export async function refund(id: string) {
  const seat = await Seat.findOneBy({ id });
  seat.available += 1;
  await seat.save();
}

export async function fresh() {
  const seat = seats.create({});
  seat.available += 1;
  await seats.save(seat);
}

export async function unsaved(id: string) {
  const seat = await seats.findOneBy({ id });
  seat.available += 1;
  return seat;
}

export async function savedBefore(id: string) {
  const seat = await seats.findOneBy({ id });
  await seats.save(seat);
  seat.available += 1;
}

export async function arrayFind(order: { seats: Seat[] }, id: string) {
  const seat = order.seats.find((s) => s.id === id);
  seat.available += 1;
  await seats.save(seat);
}
"""
    found = extract(code)["rmw"]
    assert [(f["place"]["line"], f["entity"]) for f in found] == [
        (9, "Seat"), (16, "Seat"), (22, "Seat"), (29, "Seat"),
    ]  # fmt: skip


def test_lock_text_in_the_function_or_its_decorators() -> None:
    code = """
import { Repository } from 'typeorm';
export class S {
  constructor(private readonly repo: Repository<Item>) {}
  async a(id: string) {
    await this.repo.query('SELECT 1 FROM items WHERE id = $1 FOR UPDATE', [id]);
    const item = await this.repo.findOneBy({ id });
    item.n += 1;
    await this.repo.save(item);
  }
  @Transactional({ isolationLevel: IsolationLevel.SERIALIZABLE })
  async b(id: string) {
    const item = await this.repo.findOneBy({ id });
    item.n += 1;
    await this.repo.save(item);
  }
  async c(id: string) {
    const item = await this.findForUpdate(id);
    item.n += 1;
    await this.repo.save(item);
  }
}
"""
    assert [f["lock"] for f in extract(code)["rmw"]] == ["locked", "locked", "locked"]


def test_facts_are_plain_data() -> None:
    for code in (ENTITIES, SUBSCRIBERS, SERVICE, RMW):
        facts = extract(code)
        assert pickle.loads(pickle.dumps(facts)) == facts
        assert json.loads(json.dumps(facts)) == facts


def test_wants_needs_typeorm_words() -> None:
    def wants(code: bytes) -> bool:
        return wanted(("data",), Mentions(code)) == ("data",)

    assert not wants(b"const x = 1; export function f() { return x + 1; }")
    assert wants(b"import { Repository } from 'typeorm';")
    assert wants(b"class OrderSubscriber { listenTo() {} }")


def test_deep_nesting_does_not_crash() -> None:
    depth = 3000
    code = (
        "import { Repository } from 'typeorm';\nconst repo: Repository<X> = r;\n"
        + "const v = " + "[" * depth + "]" * depth + ";\n"
        + "async function f() { const x = await repo.findOneBy({}); x.n = "
        + "(" * depth + "x.n" + ")" * depth + " + 1; await repo.save(x); }\n"
    )  # fmt: skip
    extract(code)  # no RecursionError; the deep expression is simply not analysed


# -- project rules on small projects -----------------------------------------------------

ENTITY = """
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity()
export class Ticket {
  @PrimaryGeneratedColumn() id: number;
  @Column() status: string;
  @CreateDateColumn() createdAt: Date;
  @UpdateDateColumn() updatedAt: Date;
}
"""
WRITER = """
import { Repository } from 'typeorm';
import { Ticket } from './ticket.entity';

export class TicketService {
  constructor(private readonly tickets: Repository<Ticket>, private readonly tracker: Tracker) {}

  async close(id: number) {
    await this.tickets.update(id, { status: 'closed' });
    await this.tracker.track('ticket.closed', id);
  }
}
"""


def test_aud001_audit_functions_option(tmp_path: Path) -> None:
    files = {"src/ticket.entity.ts": ENTITY, "src/ticket.service.ts": WRITER}
    assert codes(lint(tmp_path / "a", files), "AUD001") == [("ticket.entity.ts", 5)]
    options = {"AUD001": {"audit-functions": ["tracker.track"]}}
    assert codes(lint(tmp_path / "b", files, **options), "AUD001") == []


def test_aud001_exclude_entities_option(tmp_path: Path) -> None:
    files = {"src/ticket.entity.ts": ENTITY, "src/ticket.service.ts": WRITER}
    options = {"AUD001": {"exclude-entities": ["Tick*"]}}
    assert codes(lint(tmp_path, files, **options), "AUD001") == []


def test_aud001_lists_at_most_three_places(tmp_path: Path) -> None:
    methods = "\n".join(
        f"  async m{i}(id: number) {{ await this.tickets.update(id, {{ status: '{i}' }}); }}"
        for i in range(5)
    )
    service = (
        "import { Repository } from 'typeorm';\nimport { Ticket } from './ticket.entity';\n"
        "export class S {\n  constructor(private readonly tickets: Repository<Ticket>) {}\n"
        f"{methods}\n}}\n"
    )
    result = lint(tmp_path, {"src/ticket.entity.ts": ENTITY, "src/s.ts": service})
    (finding,) = [f for f in result.findings if f.rule == "AUD001"]
    assert "m0()" in finding.message and "m2()" in finding.message
    assert "m3()" not in finding.message and "and 2 more" in finding.message


def test_project_rules_skip_test_files(tmp_path: Path) -> None:
    files = {"src/ticket.entity.ts": ENTITY, "src/ticket.service.spec.ts": WRITER}
    assert codes(lint(tmp_path, files), "AUD001") == []


@pytest.mark.parametrize("code", ["DAT004", "DAT005", "AUD001"])
def test_doc_examples(tmp_path: Path, code: str) -> None:
    """The Bad example is flagged by its rule; the Good one by no rule at all."""
    doc = all_docs()[code]
    bad = lint(tmp_path / "bad", {"src/example.ts": doc.bad_example})
    assert [f for f in bad.findings if f.rule == code], f"{code}: the bad example is not flagged"
    good = lint(tmp_path / "good", {"src/example.ts": doc.good_example})
    assert good.findings == [], [f"{f.rule}: {f.message}" for f in good.findings]

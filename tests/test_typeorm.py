"""The shared TypeORM analysis: writes, receivers, transaction scopes, paths."""

from __future__ import annotations

import time

import pytest

from readylint import parsing, queries, typeorm
from readylint.rule import FileContext
from readylint.semantics import node_text
from readylint.source import SourceFile


def context(code: str, path: str = "src/service.ts") -> FileContext:
    language = "javascript" if path.endswith((".js", ".cjs", ".mjs")) else "typescript"
    tree = parsing.parse(language, code.encode())
    names = tuple(sorted({*queries.SEMANTIC_CAPTURES, *typeorm.CAPTURES}))
    captures = queries.run(language, names, tree.root_node)
    return FileContext(SourceFile.from_bytes(path, code.encode()), tree, captures, False)


def writes(code: str, path: str = "src/service.ts") -> list[typeorm.Write]:
    return typeorm.writes_in(context(code, path))


def labels(code: str, path: str = "src/service.ts") -> list[str]:
    return [w.label for w in writes(code, path)]


def line_of(write: typeorm.Write) -> int:
    return write.call.start_point.row + 1


NEST = """
import { Injectable } from '@nestjs/common';
import { InjectRepository, InjectEntityManager } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { Order } from './order.entity';
import { Line } from './line.entity';

@Injectable()
export class OrdersService {
  @InjectRepository(Line) private readonly lineStore: Repository<Line>;
  private readonly audit = this.dataSource.getRepository(AuditEntry);

  constructor(
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    @InjectEntityManager() private readonly entities: EntityManager,
    private readonly dataSource: DataSource,
  ) {}

  async run() {
    await this.orders.save({});
    await this.lineStore.insert({});
    await this.audit.insert({});
    await this.entities.update(Order, 1, {});
    await this.dataSource.manager.delete(Line, {});
    await this.dataSource.getRepository(Line).softDelete(1);
  }
}
"""


def test_receivers_resolved_from_injection_types_and_get_repository() -> None:
    found = writes(NEST)
    assert [(w.label, w.kind, w.entity) for w in found] == [
        ("this.orders.save()", "repository", "Order"),
        ("this.lineStore.insert()", "repository", "Line"),
        ("this.audit.insert()", "repository", "AuditEntry"),
        ("this.entities.update()", "manager", "Order"),
        ("this.dataSource.manager.delete()", "manager", "Line"),
        ("this.dataSource.getRepository(Line).softDelete()", "repository", "Line"),
    ]


def test_receivers_by_name_and_by_binding() -> None:
    code = """
    import { getManager, getRepository } from 'typeorm';
    export async function f(userRepo, orderRepository, AppDataSource, queryRunner, manager) {
      const em = getManager();
      const repo = getRepository(User);
      const { manager: runnerManager } = queryRunner;
      await userRepo.save(1);
      await orderRepository.remove(2);
      await AppDataSource.manager.insert(User, {});
      await queryRunner.manager.upsert(User, {}, ['id']);
      await manager.clear(User);
      await em.increment(User, {}, 'n', 1);
      await repo.decrement({}, 'n', 1);
      await runnerManager.restore(User, 1);
    }
    """
    found = writes(code)
    assert [(w.label, w.kind) for w in found] == [
        ("userRepo.save()", "repository"),
        ("orderRepository.remove()", "repository"),
        ("AppDataSource.manager.insert()", "manager"),
        ("queryRunner.manager.upsert()", "query_runner_manager"),
        ("manager.clear()", "manager"),
        ("em.increment()", "manager"),
        ("repo.decrement()", "repository"),
        ("runnerManager.restore()", "query_runner_manager"),
    ]
    assert found[3].handle is not None and found[3].handle.runner == "queryRunner"
    assert found[-1].handle is not None and found[-1].handle.runner == "queryRunner"
    assert found[6].entity == "User"


def test_lookalikes_are_not_writes() -> None:
    code = """
    import axios from 'axios';
    import { promises as fs } from 'fs';
    import { Repository } from 'typeorm';
    export class S {
      private readonly sessions = new Map<string, string>();
      constructor(private readonly cacheManager: Cache, private readonly redis: Redis,
                  private readonly http: HttpService, private readonly elasticsearch: Client) {}
      async run(res: Response, set: Set<string>, items: string[]) {
        await this.cacheManager.del('k');
        await this.redis.set('k', 'v');
        this.sessions.delete('k');
        res.send({});
        items.push('x');
        set.delete('x');
        await axios.delete('/x');
        await this.http.delete('/x');
        await fs.rm('/tmp/x');
        await this.elasticsearch.update({ index: 'i', id: '1', doc: {} });
        const manager = await this.employees.findOneBy({ id: 1 });
        await manager.update();
      }
    }
    """
    assert labels(code) == []


def test_active_record_static_and_instance_writes() -> None:
    code = """
    import { BaseEntity, Entity } from 'typeorm';
    import { Invoice } from '../entities/invoice.entity';
    import { Helper } from '../utils/helper';
    @Entity() class Account extends BaseEntity {}
    class Premium extends Account {}
    export async function f(id: number, other: Premium) {
      await Account.update({ id }, { closed: true });
      const a = await Account.findOneByOrFail({ id });
      await a.save();
      await new Premium().save();
      await other.remove();
      const invoice = Invoice.create({});
      await invoice.save();
      for (const p of await Premium.find()) { await p.softRemove(); }
      await Helper.update(1);
      await a.reload();
    }
    """
    found = writes(code)
    assert [(w.label, w.entity) for w in found] == [
        ("Account.update()", "Account"),
        ("a.save()", "Account"),
        ("new Premium().save()", "Premium"),
        ("other.remove()", "Premium"),
        ("invoice.save()", "Invoice"),
        ("p.softRemove()", "Premium"),
    ]
    assert {w.kind for w in found} == {"active_record"}


def test_query_builder_and_raw_sql_writes() -> None:
    code = """
    import { DataSource } from 'typeorm';
    const SQL = 'DELETE FROM carts';
    export async function f(dataSource: DataSource, ordersRepository) {
      await dataSource.createQueryBuilder().update(Order).set({ a: 1 }).where('id = 1').execute();
      const qb = ordersRepository.createQueryBuilder('o');
      await qb.delete().where('o.id = :id', { id: 1 }).execute();
      await dataSource.createQueryBuilder().insert().into(Line).values([]).execute();
      await dataSource.createQueryBuilder().select('1').from(Line, 'l').execute();
      await dataSource.query(SQL);
      await dataSource.query(`  -- note
        update orders set a = 1`);
      await dataSource.query('SELECT 1');
      await dataSource.query(`INSERT INTO x VALUES (${1})`);
      await knex('orders').update({ a: 1 });
    }
    """
    found = writes(code)
    assert [(w.kind, w.method, w.entity) for w in found] == [
        ("query_builder", "update", "Order"),
        ("query_builder", "delete", None),
        ("query_builder", "insert", "Line"),
        ("raw_query", "delete", None),
        ("raw_query", "update", None),
        ("raw_query", "insert", None),
    ]
    assert found[0].label == "dataSource.createQueryBuilder().update()…execute()"
    assert found[3].label == "dataSource.query(DELETE …)"


def test_another_orm_is_left_alone() -> None:
    code = """
    import { Model } from 'sequelize';
    import { User } from '../models/user';
    export async function f(userRepository) {
      await User.update({ a: 1 }, { where: {} });
      await userRepository.save(1);
    }
    """
    assert labels(code) == []


SCOPES = """
import { DataSource, EntityManager, Transaction, TransactionManager } from 'typeorm';
import { Transactional } from 'typeorm-transactional';
export class S {
  constructor(private readonly dataSource: DataSource, private readonly userRepo: Repository<User>) {}
  async a() {
    await this.dataSource.transaction(async (manager) => {
      await manager.save(1);
      await manager.getRepository(User).save(2);
      const repo = manager.getRepository(User);
      await repo.save(3);
      await manager.withRepository(this.userRepo).save(4);
      await this.userRepo.save(5);
      const helper = (em: EntityManager) => em.save(6);
    });
  }
  async b() {
    await this.dataSource.transaction('SERIALIZABLE', async (tx) => {
      await tx.save(7);
      await this.dataSource.manager.save(8);
    });
  }
  async c() {
    const queryRunner = this.dataSource.createQueryRunner();
    await this.userRepo.save(9);
    await queryRunner.startTransaction();
    try {
      await queryRunner.manager.save(10);
      await queryRunner.query('UPDATE t SET a = 1');
      await this.userRepo.save(11);
      await queryRunner.commitTransaction();
      await this.userRepo.save(12);
    } catch (e) {
      await queryRunner.rollbackTransaction();
    } finally {
      await queryRunner.release();
    }
  }
  @Transactional()
  async d() {
    await this.userRepo.save(13);
  }
  @Transaction()
  async e(@TransactionManager() manager: EntityManager) {
    await manager.save(14);
    await this.userRepo.save(15);
  }
}
"""


def test_transaction_scopes() -> None:
    ctx = context(SCOPES)
    scopes = typeorm.transaction_scopes(ctx)
    assert [(s.kind, s.manager, s.runner, s.all_own, s.label) for s in scopes] == [
        ("callback", "manager", None, False, "this.dataSource.transaction()"),
        ("callback", "tx", None, False, "this.dataSource.transaction()"),
        ("query_runner", None, "queryRunner", False, "queryRunner.startTransaction()"),
        ("decorator", None, None, True, "@Transactional()"),
        ("decorator", "manager", None, False, "@Transaction()"),
    ]


def test_own_and_escaping_writes() -> None:
    ctx = context(SCOPES)
    scopes = typeorm.transaction_scopes(ctx)
    by_arg = {}
    for write in typeorm.writes_in(ctx):
        argument = node_text(write.call.child_by_field_name("arguments")).strip("()'")
        scope = typeorm.scope_of(write, scopes)
        by_arg[argument] = None if scope is None else typeorm.is_own_write(write, scope)
    assert by_arg == {
        "1": True, "2": True, "3": True, "4": True, "5": False, "6": True,
        "7": True, "8": False,
        "9": None, "10": True, "UPDATE t SET a = 1": True, "11": False, "12": None,
        "13": True,
        "14": True, "15": False,
    }  # fmt: skip
    escaping = [w.label for w, _ in typeorm.escaping_writes(ctx)]
    assert escaping == [
        "this.userRepo.save()",
        "this.dataSource.manager.save()",
        "this.userRepo.save()",
        "this.userRepo.save()",
    ]


def test_a_transaction_we_cannot_identify_reports_no_escape() -> None:
    code = """
    import { Repository } from 'typeorm';
    export class S {
      constructor(private readonly db: UnitOfWork, private readonly userRepo: Repository<User>) {}
      async f() {
        await this.db.transaction(async (tx) => { await this.userRepo.save(1); });
      }
    }
    """
    ctx = context(code)
    (scope,) = typeorm.transaction_scopes(ctx)
    assert not scope.typeorm
    assert typeorm.escaping_writes(ctx) == []


def paths(body: str) -> int:
    code = "import { Repository } from 'typeorm';\n" + body
    ctx = context(code)
    found = typeorm.writes_in(ctx)
    function = typeorm.owner_function(found[0].call)
    assert function is not None
    return typeorm.max_writes_on_a_path(function, found)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("async function f(aRepo) { await aRepo.save(1); }", 1),
        ("async function f(aRepo) { await aRepo.save(1); await aRepo.save(2); }", 2),
        (
            "async function f(aRepo) { if (x) { await aRepo.save(1); } else { await aRepo.delete(1); } }",
            1,
        ),
        ("async function f(aRepo) { if (x) { await aRepo.save(1); } await aRepo.delete(1); }", 2),
        ("async function f(aRepo) { await (x ? aRepo.save(1) : aRepo.insert(1)); }", 1),
        (
            "async function f(aRepo) { switch (x) { case 1: await aRepo.save(1); break;"
            " case 2: await aRepo.remove(1); break; default: await aRepo.clear(); } }",
            1,
        ),
        ("async function f(aRepo, xs) { for (const x of xs) { await aRepo.save(x); } }", 2),
        ("async function f(aRepo) { while (more()) { await aRepo.save(1); } }", 2),
        ("async function f(aRepo, xs) { xs.forEach((x) => aRepo.save(x)); }", 2),
        ("async function f(aRepo, xs) { await Promise.all(xs.map((x) => aRepo.save(x))); }", 2),
        ("async function f(aRepo) { await Promise.all([aRepo.save(1), aRepo.save(2)]); }", 2),
        ("function f(aRepo) { return aRepo.save(1).then(() => aRepo.save(2)); }", 2),
        (
            "async function f(aRepo) { try { await aRepo.save(1); } catch (e) { await aRepo.save(2); } }",
            1,
        ),
        ("async function f(aRepo) { setTimeout(() => aRepo.save(1)); await aRepo.save(2); }", 1),
    ],
)
def test_writes_on_a_path(body: str, expected: int) -> None:
    assert paths(body) == expected


def test_owner_function_skips_array_and_promise_callbacks_but_not_timers() -> None:
    code = """
    import { Repository } from 'typeorm';
    async function outer(aRepo, xs) {
      xs.map(async (x) => { await aRepo.save(x); });
      aRepo.save(1).then(() => aRepo.save(2));
      emitter.on('done', async () => { await aRepo.save(3); });
      setInterval(() => aRepo.save(4), 10);
    }
    """
    ctx = context(code)
    owners = [typeorm.owner_function(w.call) for w in typeorm.writes_in(ctx)]
    names = [node_text(o.child_by_field_name("name")) if o is not None else "" for o in owners]
    assert names == ["outer", "outer", "outer", "", ""]


def test_caller_managed_writes() -> None:
    code = """
    import { EntityManager, QueryRunner } from 'typeorm';
    export class S {
      async helper(manager: EntityManager, runner: QueryRunner, userRepo: Repository<User>) {
        await manager.save(1);
        await runner.manager.save(2);
        await manager.getRepository(User).save(3);
        await userRepo.save(4);
      }
      async subscriberHook(event: InsertEvent<User>) {
        await event.manager.insert(AuditLog, {});
      }
    }
    """
    ctx = context(code)
    orm = typeorm.analyse(ctx)
    assert [orm.caller_managed(w) for w in orm.writes] == [True, True, True, False, True]


def test_migrations_are_recognised() -> None:
    code = """
    import { MigrationInterface, QueryRunner } from 'typeorm';
    export class Seed1700000000000 implements MigrationInterface {
      async up(queryRunner: QueryRunner) { await queryRunner.query('INSERT INTO a VALUES (1)'); }
      async down(queryRunner: QueryRunner) { await queryRunner.query('DELETE FROM a'); }
    }
    export class Other { async up(x) { await x.save(); } }
    """
    ctx = context(code)
    methods = [n for n in ctx.captures["function"] if n.type == "method_definition"]
    assert [typeorm.is_migration_method(m, "src/seed.ts") for m in methods] == [True, True, False]
    assert typeorm.is_migration_method(methods[2], "src/migrations/seed.ts")


def test_hostile_input_is_bounded() -> None:
    deep = "import { Repository } from 'typeorm';\nasync function f(aRepo) {\n"
    deep += "aRepo.save(" * 2000 + "1" + ")" * 2000 + ";\n}\n"
    started = time.perf_counter()
    found = writes(deep)
    assert found  # the shallow ones are analysed, the rest are left alone
    assert time.perf_counter() - started < 20
    nested = "import { Repository } from 'typeorm';\nasync function f(aRepo) {\n"
    nested += "if (a) {" * 3000 + "await aRepo.save(1);" + "}" * 3000 + "\n}\n"
    assert writes(nested) == []  # deeper than the analysis looks: unknown
    assert writes("import { Repository } from 'typeorm';\x00 userRepo.save((;") is not None

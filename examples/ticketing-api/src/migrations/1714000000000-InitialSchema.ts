import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1714000000000 implements MigrationInterface {
  name = 'InitialSchema1714000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS "uuid-ossp"`);
    await queryRunner.query(`
      CREATE TABLE "users" (
        "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
        "email" varchar(254) NOT NULL,
        "password_hash" varchar NOT NULL,
        "name" varchar(100) NOT NULL,
        "phone" varchar(32),
        "role" varchar(16) NOT NULL DEFAULT 'customer',
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_users" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_users_email" UNIQUE ("email")
      )`);
    await queryRunner.query(`
      CREATE TABLE "events" (
        "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
        "name" varchar(200) NOT NULL,
        "venue" varchar(200) NOT NULL,
        "starts_at" timestamptz NOT NULL,
        "total_seats" integer NOT NULL,
        "available_seats" integer NOT NULL,
        "price" numeric(10,2) NOT NULL,
        "organizer_id" uuid NOT NULL,
        CONSTRAINT "PK_events" PRIMARY KEY ("id"),
        CONSTRAINT "FK_events_organizer" FOREIGN KEY ("organizer_id") REFERENCES "users"("id")
      )`);
    await queryRunner.query(`
      CREATE TABLE "orders" (
        "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
        "user_id" uuid NOT NULL,
        "event_id" uuid NOT NULL,
        "total_amount" numeric(10,2) NOT NULL,
        "status" varchar(16) NOT NULL DEFAULT 'pending',
        "payment_intent_id" varchar(64),
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_orders" PRIMARY KEY ("id"),
        CONSTRAINT "FK_orders_user" FOREIGN KEY ("user_id") REFERENCES "users"("id"),
        CONSTRAINT "FK_orders_event" FOREIGN KEY ("event_id") REFERENCES "events"("id")
      )`);
    await queryRunner.query(`
      CREATE TABLE "tickets" (
        "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
        "event_id" uuid NOT NULL,
        "order_id" uuid,
        "owner_id" uuid,
        "barcode" varchar(32) NOT NULL,
        "price" numeric(10,2) NOT NULL,
        "status" varchar(16) NOT NULL DEFAULT 'available',
        "legacy_code" varchar(32),
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        "deleted_at" timestamptz,
        CONSTRAINT "PK_tickets" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_tickets_barcode" UNIQUE ("barcode"),
        CONSTRAINT "FK_tickets_event" FOREIGN KEY ("event_id") REFERENCES "events"("id"),
        CONSTRAINT "FK_tickets_order" FOREIGN KEY ("order_id") REFERENCES "orders"("id"),
        CONSTRAINT "FK_tickets_owner" FOREIGN KEY ("owner_id") REFERENCES "users"("id")
      )`);
    await queryRunner.query(`
      CREATE TABLE "audit_logs" (
        "id" uuid NOT NULL DEFAULT uuid_generate_v4(),
        "actor_id" uuid,
        "action" varchar(64) NOT NULL,
        "entity_type" varchar(32) NOT NULL,
        "entity_id" varchar(64) NOT NULL,
        "metadata" jsonb,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_audit_logs" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "IDX_audit_logs_entity" ON "audit_logs" ("entity_type", "entity_id")`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_tickets_event_status" ON "tickets" ("event_id", "status")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_tickets_event_status"`);
    await queryRunner.query(`DROP INDEX "IDX_audit_logs_entity"`);
    await queryRunner.query(`DROP TABLE "audit_logs"`);
    await queryRunner.query(`DROP TABLE "tickets"`);
    await queryRunner.query(`DROP TABLE "orders"`);
    await queryRunner.query(`DROP TABLE "events"`);
    await queryRunner.query(`DROP TABLE "users"`);
  }
}

import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

export class AddTicketSeatLabel1715200000000 implements MigrationInterface {
  name = 'AddTicketSeatLabel1715200000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'tickets',
      new TableColumn({ name: 'seat_label', type: 'varchar', length: '16', isNullable: true }),
    );
    await queryRunner.query(
      `UPDATE "tickets" SET "seat_label" = "legacy_code" WHERE "legacy_code" IS NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {}
}

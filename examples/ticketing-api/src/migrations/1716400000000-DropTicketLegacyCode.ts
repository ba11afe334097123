import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

export class DropTicketLegacyCode1716400000000 implements MigrationInterface {
  name = 'DropTicketLegacyCode1716400000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('tickets', 'legacy_code');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'tickets',
      new TableColumn({ name: 'legacy_code', type: 'varchar', length: '32', isNullable: true }),
    );
    await queryRunner.query(`UPDATE "tickets" SET "legacy_code" = "seat_label"`);
  }
}

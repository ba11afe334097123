import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

export class AddOrderCurrency1714600000000 implements MigrationInterface {
  name = 'AddOrderCurrency1714600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'orders',
      new TableColumn({ name: 'currency', type: 'varchar', length: '3', isNullable: false, default: "'EUR'" }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('orders', 'currency');
  }
}

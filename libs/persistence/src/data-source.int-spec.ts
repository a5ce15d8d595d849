import { isolatedTestEnv } from '@gatehouse/devstack';
import { Client } from 'pg';
import { Column, Entity, type MigrationInterface, PrimaryColumn, type QueryRunner, Table } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceDataSource, dropSchema, openServiceDataSource } from './data-source';

const env = isolatedTestEnv('persistence');
const table = `widgets_${env.schema.slice(-8)}`;
let migrationRuns = 0;

/** Creates its table by bare name, as a migration written against the service's schema does; slow enough for two starts to overlap. */
class CreateWidgets1700000000000 implements MigrationInterface {
  name = 'CreateWidgets1700000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    migrationRuns += 1;
    await queryRunner.query('select pg_sleep(0.3)');
    await queryRunner.createTable(new Table({ name: table, columns: [{ name: 'id', type: 'text', isPrimary: true }] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable(table);
  }
}

/** An entity no migration creates: only `synchronize` could make its table. */
@Entity({ name: `gadgets_${env.schema.slice(-8)}` })
class Gadget {
  @PrimaryColumn('text')
  id!: string;

  @Column('text')
  name!: string;
}

describe('service data source', () => {
  const admin = new Client({ connectionString: env.databaseUrl });
  const tablesOf = async (name: string) =>
    (
      (await admin.query('select table_schema as schema from information_schema.tables where table_name = $1 order by table_schema', [name])).rows as Array<{
        schema: string;
      }>
    ).map((row) => row.schema);

  beforeAll(() => admin.connect());

  afterAll(async () => {
    await dropSchema(env.databaseUrl, env.schema);
    await admin.end();
  });

  it('migrates once when two instances start together, into its own schema, and never synchronizes', async () => {
    const open = () =>
      openServiceDataSource(createServiceDataSource({ url: env.databaseUrl, schema: env.schema, entities: [Gadget], migrations: [CreateWidgets1700000000000], poolSize: 2 }));
    const [first, second] = await Promise.all([open(), open()]);
    try {
      expect(migrationRuns).toBe(1);
      const { rows } = await admin.query(`select "name" from "${env.schema}"."migrations"`);
      expect(rows).toEqual([{ name: 'CreateWidgets1700000000000' }]);
      expect(await tablesOf(table)).toEqual([env.schema]);
      expect(await tablesOf('migrations')).toContain(env.schema);

      expect(first.options.synchronize).toBe(false);
      expect(await tablesOf(`gadgets_${env.schema.slice(-8)}`)).toEqual([]);
      // Both instances work on the migrated schema.
      await first.query(`insert into "${env.schema}"."${table}" ("id") values ('w1')`);
      expect(await second.query(`select "id" from "${env.schema}"."${table}"`)).toEqual([{ id: 'w1' }]);
    } finally {
      await Promise.all([first.destroy(), second.destroy()]);
    }
  });

  it('refuses a schema name that is not a plain lowercase identifier', () => {
    expect(() => createServiceDataSource({ url: env.databaseUrl, schema: 'Public"; drop', entities: [], migrations: [] })).toThrow(/invalid schema name/);
  });
});

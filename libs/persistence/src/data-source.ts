import { Client } from 'pg';
import { DataSource, type EntitySchema, type MixedList } from 'typeorm';

export interface ServiceDataSourceOptions {
  url: string;
  /** The Postgres schema the service owns; nobody else reads it. */
  schema: string;
  entities: MixedList<Function | string | EntitySchema>;
  migrations: MixedList<Function | string>;
  /** Connection pool size. */
  poolSize?: number;
  applicationName?: string;
}

const identifier = /^[a-z_][a-z0-9_]*$/;

/** A TypeORM data source bound to one service's schema. Never synchronizes: migrations only. */
export function createServiceDataSource(options: ServiceDataSourceOptions): DataSource {
  if (!identifier.test(options.schema)) throw new Error(`invalid schema name ${options.schema}`);
  return new DataSource({
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    applicationName: options.applicationName ?? options.schema,
    extra: { max: options.poolSize ?? 10 },
  });
}

/**
 * Creates the schema when missing, connects, and runs pending migrations under an advisory
 * lock so that replicas starting together migrate once.
 */
export async function openServiceDataSource(dataSource: DataSource): Promise<DataSource> {
  const { url, schema } = dataSource.options as { url: string; schema: string };
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock(hashtext($1))', [`gatehouse:migrate:${schema}`]);
    await client.query(`create schema if not exists "${schema}"`);
    if (!dataSource.isInitialized) await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy();
    throw error;
  } finally {
    await client.query('select pg_advisory_unlock(hashtext($1))', [`gatehouse:migrate:${schema}`]).catch(() => undefined);
    await client.end();
  }
  return dataSource;
}

/** Drops a schema and everything in it. For tests and `npm start -- --clean` only. */
export async function dropSchema(url: string, schema: string): Promise<void> {
  if (!identifier.test(schema)) throw new Error(`invalid schema name ${schema}`);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

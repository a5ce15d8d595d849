import type { DataSource, EntityManager } from 'typeorm';

const identifier = /^[a-z_][a-z0-9_]*$/;

/** The Postgres schema a data source is bound to (validated, so it can be quoted into SQL). */
export function schemaOf(source: DataSource | EntityManager): string {
  const options = ('connection' in source ? source.connection.options : source.options) as { schema?: string };
  const schema = options.schema;
  if (!schema || !identifier.test(schema)) throw new Error(`messaging needs a data source bound to a schema, got ${String(schema)}`);
  return schema;
}

/** NOTIFY channel the outbox of a schema wakes its relay on. */
export function outboxChannel(schema: string): string {
  return `outbox_${schema}`.slice(0, 63);
}

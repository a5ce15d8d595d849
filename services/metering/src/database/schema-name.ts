import type { DataSource, EntityManager } from 'typeorm';

const identifier = /^[a-z_][a-z0-9_]*$/;

/** The service's Postgres schema, validated so it can be quoted into SQL. */
export function schemaName(source: DataSource | EntityManager): string {
  const options = ('connection' in source ? source.connection.options : source.options) as { schema?: string };
  const schema = options.schema;
  if (!schema || !identifier.test(schema)) throw new Error(`metering needs a data source bound to a schema, got ${String(schema)}`);
  return schema;
}

import { Client } from 'pg';
import { dropDatabase } from '../postgres/postgres-server';
import { uniqueSuffix } from './test-env';

const PREFIX = 'gatehouse_test_';

/** `gatehouse_test_<UTC yyyymmddhhmmss>_<8 hex>`: sortable, and old ones can be told apart. */
export function testDatabaseName(now: Date = new Date(), suffix: string = uniqueSuffix()): string {
  return `${PREFIX}${now.toISOString().replace(/\D/g, '').slice(0, 14)}_${suffix}`;
}

/** Test databases created more than `maxAgeMs` before `now` (a run that died before its teardown). */
export function staleTestDatabases(names: readonly string[], now: Date, maxAgeMs: number): string[] {
  return names.filter((name) => {
    const stamp = /^gatehouse_test_(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})_[0-9a-f]{8}$/.exec(name);
    if (!stamp) return false;
    const [, year, month, day, hour, minute, second] = stamp.map(Number) as number[];
    const created = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!);
    return now.getTime() - created > maxAgeMs;
  });
}

/** Drops test databases older than `maxAgeMs` that nobody is connected to. Returns their names. */
export async function dropStaleTestDatabases(serverUrl: string, maxAgeMs: number): Promise<string[]> {
  const client = new Client({ connectionString: serverUrl, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  await client.connect();
  let names: string[];
  try {
    const { rows } = await client.query<{ datname: string }>(
      `select datname from pg_database d where datname like 'gatehouse\\_test\\_%'
         and not exists (select 1 from pg_stat_activity a where a.datname = d.datname)`,
    );
    names = staleTestDatabases(rows.map((row) => row.datname), new Date(), maxAgeMs);
  } finally {
    await client.end().catch(() => undefined);
  }
  for (const name of names) await dropDatabase(serverUrl, name).catch(() => undefined);
  return names;
}

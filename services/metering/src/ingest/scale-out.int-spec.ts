import { Topics } from '@gatehouse/contracts';
import { eventually } from '@gatehouse/testing';
import { AssignerProtocol } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MeteringTestApp, MeteringTestEnv } from '../testing/metering-test-env';
import { usageRecord } from '../testing/usage-record.factory';

const RECORDS = 30_000;

const ingested = async (app: MeteringTestApp) => Number(/^metering_records_ingested_total(?:\{[^}]*\})? (\d+)/m.exec((await app.get('/metrics', null)).text)?.[1] ?? 'NaN');

describe('two metering instances in one consumer group', () => {
  const env = new MeteringTestEnv('scale');
  const apps: MeteringTestApp[] = [];

  beforeAll(async () => {
    await env.prepareTopics();
    apps.push(await env.start());
    apps.push(await env.start());
  });
  afterAll(async () => {
    await env.cleanup();
  });

  it('share the usage partitions and count every record exactly once between them', async () => {
    const topic = env.topic(Topics.usage);
    const admin = env.kafka.admin();
    await admin.connect();
    try {
      const assignments = await eventually(
        async () => {
          const [group] = (await admin.describeGroups([env.group])).groups;
          if (group?.state !== 'Stable' || group.members.length !== 2) return null;
          const partitions = group.members.map((member) => AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment[topic] ?? []);
          return partitions.every((owned) => owned.length > 0) ? partitions : null;
        },
        'both members of the group to own usage partitions',
        60_000,
        200,
      );
      console.log(`partitions per member: ${assignments.map((owned) => `[${[...owned].sort((a, b) => a - b).join(',')}]`).join(' ')}`);
      expect(assignments.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
    } finally {
      await admin.disconnect();
    }

    const records = Array.from({ length: RECORDS }, (_, index) => usageRecord({ applicationId: `app-${index % 7}`, bytesIn: index % 101, latencyMs: index % 333 }));
    const messages = records.map((record) => env.encode(record));
    // Every record twice: copies land on the same partition (same key), so one instance dedupes each.
    await env.produceUsage([...messages, ...messages]);
    await env.waitForIngest();

    const [ledger] = await env.sql<{ count: number; bytes: number }>('select count(*)::int as count, sum(bytes_in)::float8 as bytes from $schema.usage_ledger');
    expect(ledger).toEqual({ count: RECORDS, bytes: records.reduce((sum, record) => sum + record.bytesIn, 0) });
    for (const table of ['usage_rollup_minute', 'usage_rollup_hour', 'usage_rollup_day']) {
      const [totals] = await env.sql<{ requests: number; bytes: number; latency: number }>(
        `select sum(requests)::float8 as requests, sum(bytes_in)::float8 as bytes, sum(latency_sum_ms)::float8 as latency from $schema.${table}`,
      );
      expect(totals, table).toEqual({ requests: RECORDS, bytes: ledger!.bytes, latency: records.reduce((sum, record) => sum + record.latencyMs, 0) });
    }
    const perInstance = await Promise.all(apps.map(ingested));
    console.log(`records counted per instance: ${perInstance.join(' + ')}`);
    expect(perInstance.every((count) => count > 0)).toBe(true);
    expect(perInstance.reduce((sum, count) => sum + count, 0)).toBe(RECORDS);
  }, 120_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../testing/manual-clock';
import { type MeteringTestApp, MeteringTestEnv } from '../testing/metering-test-env';
import { usageRecord } from '../testing/usage-record.factory';
import { PartitionManager } from './partition-manager';
import { RetentionService } from './retention.service';

/** Records of subscription `sub-r` at each instant (they count towards its daily request counters). */
const recordsAt = (...instants: string[]) => instants.map((at) => usageRecord({ at, subscriptionId: 'sub-r', planId: 'plan-r' }));

describe('retention', () => {
  // Lateness 4 days so every record below counts in its own windows; 2 rows per delete statement.
  const env = new MeteringTestEnv('retention', {
    METERING_MAX_LATENESS: '4d',
    METERING_LEDGER_RETENTION_DAYS: '9',
    METERING_MINUTE_ROLLUP_RETENTION_DAYS: '5',
    METERING_HOUR_ROLLUP_RETENTION_DAYS: '6',
    METERING_RETENTION_DELETE_BATCH: '2',
  });
  const clock = new ManualClock('2026-01-22T12:00:00Z');
  let app: MeteringTestApp;

  const ingestAt = async (now: string, instants: string[]) => {
    clock.set(now);
    await env.produceUsage(recordsAt(...instants).map((record) => env.encode(record)));
    await env.waitForIngest();
  };
  const days = (table: 'usage_ledger' | 'usage_rollup_minute') => app.service(PartitionManager).listDays(table);
  const hourBuckets = async () => (await env.sql<{ bucket: Date }>('select bucket from $schema.usage_rollup_hour order by bucket')).map((row) => row.bucket.toISOString());
  const counterDays = async () => (await env.sql<{ day: string }>(`select to_char(day, 'YYYY-MM-DD') as day from $schema.quota_counters order by day`)).map((row) => row.day);

  beforeAll(async () => {
    await env.prepareTopics();
    app = await env.start({ clock });
  });
  afterAll(async () => {
    await env.cleanup();
  });

  it('drops expired ledger and minute partitions, deletes expired hour rollups and quota counters in batches, and keeps the rest', async () => {
    // Five hour rows and three counter days in January: more than one delete batch of 2 each.
    await ingestAt('2026-01-22T12:00:00Z', ['2026-01-19T10:05:00Z', '2026-01-19T11:05:00Z', '2026-01-20T10:05:00Z', '2026-01-22T09:05:00Z', '2026-01-22T10:05:00Z']);
    await ingestAt('2026-02-27T12:00:00Z', ['2026-02-27T10:05:00Z', '2026-02-27T11:05:00Z']);
    await ingestAt('2026-03-04T12:00:00Z', ['2026-03-03T10:05:00Z', '2026-03-04T10:05:00Z']);
    expect(await days('usage_ledger')).toEqual(expect.arrayContaining(['2026-01-19', '2026-01-20', '2026-01-22', '2026-02-27', '2026-03-03', '2026-03-04']));
    expect(await days('usage_rollup_minute')).toEqual(expect.arrayContaining(['2026-01-19', '2026-01-20', '2026-01-22', '2026-02-27', '2026-03-03', '2026-03-04']));
    expect(await hourBuckets()).toHaveLength(9);
    expect(await counterDays()).toEqual(['2026-01-19', '2026-01-20', '2026-01-22', '2026-02-27', '2026-03-03', '2026-03-04']);
    const [dayRowsBefore] = await env.sql<{ requests: number }>('select sum(requests)::int as requests from $schema.usage_rollup_day');

    await app.service(RetentionService).run();

    // Today is 2026-03-04: the ledger keeps 9 days (from 02-24), minute rollups 5 (from 02-28),
    // hour rollups 6 (from 02-27), quota counters the previous month on (from 02-01).
    const ledgerDays = await days('usage_ledger');
    expect(ledgerDays.filter((day) => day < '2026-02-24')).toEqual([]);
    expect(ledgerDays).toEqual(expect.arrayContaining(['2026-02-27', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06']));
    const minuteDays = await days('usage_rollup_minute');
    expect(minuteDays.filter((day) => day < '2026-02-28')).toEqual([]);
    expect(minuteDays).toEqual(expect.arrayContaining(['2026-03-03', '2026-03-04']));
    expect(await hourBuckets()).toEqual(['2026-02-27T10:00:00.000Z', '2026-02-27T11:00:00.000Z', '2026-03-03T10:00:00.000Z', '2026-03-04T10:00:00.000Z']);
    expect(await counterDays()).toEqual(['2026-02-27', '2026-03-03', '2026-03-04']);
    const ledger = await env.sql<{ at: Date }>('select at from $schema.usage_ledger order by at');
    expect(ledger.map((row) => row.at.toISOString())).toEqual(['2026-02-27T10:05:00.000Z', '2026-02-27T11:05:00.000Z', '2026-03-03T10:05:00.000Z', '2026-03-04T10:05:00.000Z']);
    const [dayRowsAfter] = await env.sql<{ requests: number }>('select sum(requests)::int as requests from $schema.usage_rollup_day');
    expect(dayRowsAfter).toEqual(dayRowsBefore);
    expect(dayRowsAfter!.requests).toBe(9);
    const applied = env.logLines.map((line) => JSON.parse(line)).find((line) => line.msg === 'metering retention applied');
    expect(applied).toMatchObject({ hourRowsDeleted: 5, quotaCountersDeleted: 3 });

    // Nothing is left to do: a second run changes nothing.
    await app.service(RetentionService).run();
    expect(await hourBuckets()).toHaveLength(4);
    expect(await counterDays()).toHaveLength(3);
  });
});

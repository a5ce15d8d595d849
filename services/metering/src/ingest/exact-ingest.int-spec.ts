import { randomUUID } from 'node:crypto';
import { eventually } from '@gatehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageRecord } from './usage-record';
import { MeteringTestEnv, type MeteringTestApp } from '../testing/metering-test-env';
import { aiUsage, usageRecord } from '../testing/usage-record.factory';
import { latencyBucket } from '../rollups/latency-histogram';

const UNIQUE = 100_000;
const DUPLICATES = 15_000;
const LATE = 1_000;

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 4_294_967_296;
  };
}

function makeRecords(now: number): UsageRecord[] {
  const random = seeded(42);
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)]!;
  const statuses = [200, 200, 200, 201, 204, 301, 404, 429, 500, 503] as const;
  return Array.from({ length: UNIQUE }, (_, index) => {
    const late = index < LATE;
    const status = pick(statuses);
    const application = Math.floor(random() * 10);
    const ai = random() < 0.3 ? aiUsage({ model: pick(['gpt-4o', 'gpt-4o-mini', 'claude']), promptTokens: Math.floor(random() * 500), completionTokens: Math.floor(random() * 300), cachedTokens: Math.floor(random() * 50), costMicros: random() < 0.1 ? null : Math.floor(random() * 5_000) }) : null;
    return usageRecord({
      recordId: randomUUID(),
      at: new Date(now - (late ? 2 * 3_600_000 + random() * 600_000 : random() * 20 * 60_000)).toISOString(),
      tenantId: application < 7 ? 'acme' : 'globex',
      applicationId: `app-${application}`,
      apiId: `api-${application % 3}`,
      routeId: `route-${application % 6}`,
      status,
      rejection: status === 429 ? 'rate_limited' : null,
      latencyMs: Math.round(random() * 2_000 * random() * 100) / 100,
      bytesIn: Math.floor(random() * 2_000),
      bytesOut: Math.floor(random() * 20_000),
      ai: ai && ai.costMicros === null ? { ...ai, currency: null } : ai,
    });
  });
}

function shuffle<T>(values: T[], random: () => number): T[] {
  for (let index = values.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [values[index], values[other]] = [values[other]!, values[index]!];
  }
  return values;
}

function metric(text: string, name: string): number {
  const line = text.split('\n').find((entry) => entry.startsWith(`${name}{`) || entry.startsWith(`${name} `));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : Number.NaN;
}

describe('exact ingestion', () => {
  const env = new MeteringTestEnv('exact');
  let app: MeteringTestApp;
  let records: UsageRecord[];

  beforeAll(async () => {
    await env.prepareTopics();
    app = await env.start();
  });
  afterAll(async () => {
    await env.cleanup();
  });

  it('counts 100,000 records sent with 15,000 duplicates, shuffled, exactly once', async () => {
    const now = Date.now();
    records = makeRecords(now);
    const random = seeded(7);
    const messages = records.map((record) => env.encode(record));
    for (let copy = 0; copy < DUPLICATES; copy += 1) messages.push(messages[Math.floor(random() * UNIQUE)]!);
    shuffle(messages, random);

    const produced = performance.now();
    await env.produceUsage(messages);
    const consumed = performance.now();
    await env.waitForIngest();
    const done = performance.now();
    console.log(`produced ${messages.length} messages in ${Math.round(consumed - produced)} ms; ingest caught up ${Math.round(done - consumed)} ms later`);

    const expected = {
      requests: UNIQUE,
      errors: records.filter((record) => record.status >= 500).length,
      rejections: records.filter((record) => record.rejection !== null).length,
      late_records: LATE,
      bytes_in: records.reduce((sum, record) => sum + record.bytesIn, 0),
      bytes_out: records.reduce((sum, record) => sum + record.bytesOut, 0),
      prompt_tokens: records.reduce((sum, record) => sum + (record.ai?.promptTokens ?? 0), 0),
      completion_tokens: records.reduce((sum, record) => sum + (record.ai?.completionTokens ?? 0), 0),
      cached_tokens: records.reduce((sum, record) => sum + (record.ai?.cachedTokens ?? 0), 0),
      cost_micros: records.reduce((sum, record) => sum + (record.ai?.costMicros ?? 0), 0),
      unpriced_records: records.filter((record) => record.ai !== null && record.ai.costMicros === null).length,
      hist: UNIQUE,
    };
    const [ledger] = await env.sql<{ count: number; late: number }>('select count(*)::int as count, count(*) filter (where late)::int as late from $schema.usage_ledger');
    expect(ledger).toEqual({ count: UNIQUE, late: LATE });
    for (const table of ['usage_rollup_minute', 'usage_rollup_hour', 'usage_rollup_day']) {
      const [totals] = await env.sql(
        `select ${Object.keys(expected)
          .filter((column) => column !== 'hist')
          .map((column) => `sum(${column})::float8 as ${column}`)
          .join(', ')}, (select sum(v)::float8 from $schema.${table}, unnest(latency_hist) v) as hist from $schema.${table}`,
      );
      expect(totals, table).toEqual(expected);
    }
    // Records later than the maximum lateness count in the window they arrived in, not their own.
    const [windows] = await env.sql<{ early: number }>(`select count(*)::int as early from $schema.usage_rollup_minute where bucket < $1`, [new Date(now - 21 * 60_000).toISOString()]);
    expect(windows!.early).toBe(0);
    const histogram = new Array<number>(30).fill(0);
    for (const record of records) histogram[latencyBucket(record.latencyMs)]! += 1;
    const [stored] = await env.sql<{ hist: number[] }>(
      `select array(select sum(v)::float8 from $schema.usage_rollup_day, unnest(latency_hist) with ordinality as u(v, i) group by i order by i) as hist`,
    );
    expect(stored!.hist).toEqual(histogram);

    // An on-time record counts in the minute of its own `at` (late ones arrive in the current minute, not here).
    const onTime = records.slice(LATE).find((record) => Date.parse(record.at) < now - 2 * 60_000)!;
    const minuteOf = (record: UsageRecord) => Math.floor(Date.parse(record.at) / 60_000) * 60_000;
    const sameRow = (record: UsageRecord) =>
      minuteOf(record) === minuteOf(onTime) &&
      record.tenantId === onTime.tenantId &&
      record.applicationId === onTime.applicationId &&
      record.apiId === onTime.apiId &&
      record.routeId === onTime.routeId &&
      Math.floor(record.status / 100) === Math.floor(onTime.status / 100) &&
      (record.ai?.model ?? '') === (onTime.ai?.model ?? '');
    const [bucket] = await env.sql<{ requests: number }>(
      `select requests::int from $schema.usage_rollup_minute
        where bucket = $1 and tenant_id = $2 and application_id = $3 and api_id = $4 and route_id = $5 and status_class = $6 and model = $7`,
      [new Date(minuteOf(onTime)).toISOString(), onTime.tenantId, onTime.applicationId, onTime.apiId, onTime.routeId, Math.floor(onTime.status / 100), onTime.ai?.model ?? ''],
    );
    expect(bucket).toEqual({ requests: records.slice(LATE).filter(sameRow).length });

    // Caught up: every partition's lag gauge reads 0 (it follows fetched batches and commits).
    const lagLines = (text: string) => text.split('\n').filter((line) => line.startsWith('metering_consumer_lag{'));
    const caughtUp = await eventually(async () => {
      const lines = lagLines((await app.get('/metrics', null)).text);
      return lines.length > 0 && lines.every((line) => line.endsWith(' 0')) ? lines : null;
    }, 'the consumer lag gauge at 0 on every partition');
    console.log(`lag gauge at 0 on ${caughtUp.length} partitions`);
    const metrics = (await app.get('/metrics', null)).text;
    expect(metric(metrics, 'metering_rollup_write_seconds_count')).toBeGreaterThan(0);
    expect(metric(metrics, 'metering_records_ingested_total')).toBe(UNIQUE);
    // A rebalance under load may redeliver counted records: each delivery of a copy counts.
    expect(metric(metrics, 'metering_records_deduplicated_total')).toBeGreaterThanOrEqual(DUPLICATES);
    expect(metric(metrics, 'metering_records_late_total')).toBe(LATE);
  }, 120_000);

  it('answers the usage API with the same exact totals per application', async () => {
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const answer = await app.get(`/usage?from=${encodeURIComponent(from)}&granularity=day&groupBy=application`);
    expect(answer.status).toBe(200);
    const perApplication = new Map<string, number>();
    for (const row of answer.body.rows as Array<{ applicationId: string; requests: number }>) {
      perApplication.set(row.applicationId, (perApplication.get(row.applicationId) ?? 0) + row.requests);
    }
    const expected = new Map<string, number>();
    for (const record of records) expected.set(record.applicationId!, (expected.get(record.applicationId!) ?? 0) + 1);
    expect(perApplication).toEqual(expected);
  });
});

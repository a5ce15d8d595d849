import { deadLetterOf, newEnvelope, Topics, UsageRecordedV1, usageRecordLimits } from '@gatehouse/contracts';
import { eventually, TopicCollector } from '@gatehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MeteringTestApp, MeteringTestEnv } from '../testing/metering-test-env';
import { usageRecord } from '../testing/usage-record.factory';

describe('usage messages that cannot be counted', () => {
  const env = new MeteringTestEnv('dlq');
  let app: MeteringTestApp;
  let collector: TopicCollector;

  beforeAll(async () => {
    await env.prepareTopics();
    collector = new TopicCollector(env.kafka, [deadLetterOf(env.topic(Topics.usage))]);
    await collector.start();
    app = await env.start();
  });
  afterAll(async () => {
    await collector.stop();
    await env.cleanup();
  });

  it('go to the dead-letter topic byte for byte with the reason, while valid ones are counted', async () => {
    const valid = usageRecord();
    const badStatus = JSON.stringify(newEnvelope(UsageRecordedV1.type, { ...usageRecord(), status: 700 }, { source: '/gatehouse/gateway', tenant: 'acme' }));
    const missingField = JSON.stringify(newEnvelope(UsageRecordedV1.type, { ...usageRecord(), bytesIn: undefined }, { source: '/gatehouse/gateway', tenant: 'acme' }));
    const wrongType = JSON.stringify(newEnvelope('gatehouse.gateway.usage.recorded.v9', usageRecord(), { source: '/gatehouse/gateway', tenant: 'acme' }));
    const tooOld = env.encode(usageRecord({ at: new Date(Date.now() - 40 * 86_400_000).toISOString() }));
    const tooSlow = JSON.stringify(newEnvelope(UsageRecordedV1.type, usageRecord({ latencyMs: usageRecordLimits.latencyMs + 1 }), { source: '/gatehouse/gateway', tenant: 'acme' }));
    const bad = [
      { key: 'not-json', value: '{"specversion":"1.0",', expected: { code: 'ERR_CONTRACT_VIOLATION', reason: 'message is not JSON' } },
      { key: 'bad-status', value: badStatus, expected: { code: 'ERR_CONTRACT_VIOLATION', reason: 'status: Too big' } },
      { key: 'missing-field', value: missingField, expected: { code: 'ERR_CONTRACT_VIOLATION', reason: 'bytesIn:' } },
      { key: 'wrong-type', value: wrongType, expected: { code: 'ERR_CONTRACT_VIOLATION', reason: 'unexpected event type gatehouse.gateway.usage.recorded.v9' } },
      { key: 'too-slow', value: tooSlow, expected: { code: 'ERR_CONTRACT_VIOLATION', reason: 'latencyMs: Too big' } },
      { key: 'too-old', value: tooOld.value as string, expected: { code: 'ERR_BEYOND_RETENTION', reason: 'older than the ledger retention' } },
    ];
    await env.produceUsage([env.encode(valid), ...bad.map(({ key, value }) => ({ key, value }))]);
    await env.waitForIngest();

    const letters = await eventually(() => (collector.messages.length >= bad.length ? collector.messages : null), 'a dead letter per bad message');
    expect(letters).toHaveLength(bad.length);
    for (const { key, value, expected } of bad) {
      const letter = letters.find((record) => record.key === key);
      expect(letter, key).toBeDefined();
      expect(letter!.value).toBe(value);
      expect(letter!.headers['x-dlq-error-code']).toBe(expected.code);
      expect(letter!.headers['x-dlq-reason']).toContain(expected.reason);
      expect(letter!.headers['x-dlq-origin-topic']).toBe(env.topic(Topics.usage));
      expect(Number(letter!.headers['x-dlq-origin-partition'])).toBeGreaterThanOrEqual(0);
      expect(letter!.headers['x-dlq-origin-offset']).toMatch(/^\d+$/);
      expect(letter!.headers['x-dlq-consumer-group']).toBe(env.group);
      expect(Date.parse(letter!.headers['x-dlq-failed-at']!)).not.toBeNaN();
    }

    expect(await env.sql('select record_id from $schema.usage_ledger')).toEqual([{ record_id: valid.recordId }]);
    const metrics = (await app.get('/metrics', null)).text;
    expect(metrics).toMatch(/metering_records_dead_lettered_total\{[^}]*code="ERR_CONTRACT_VIOLATION"[^}]*\} 5/);
    expect(metrics).toMatch(/metering_records_dead_lettered_total\{[^}]*code="ERR_BEYOND_RETENTION"[^}]*\} 1/);
  });

  it('isolates a record Postgres refuses (a rollup sum out of range) and counts the rest of its batch', async () => {
    const poison = usageRecord({ applicationId: 'app-overflow', bytesIn: 10_000 });
    const neighbours = Array.from({ length: 20 }, () => usageRecord({ applicationId: 'app-neighbour' }));
    // A day rollup row close to the bigint maximum: adding the record's bytes overflows it (SQLSTATE 22003).
    await env.sql(
      `insert into $schema.usage_rollup_day (bucket, tenant_id, application_id, api_id, route_id, status_class, model, requests, errors, rejections, late_records,
         bytes_in, bytes_out, latency_sum_ms, latency_max_ms, latency_hist, prompt_tokens, completion_tokens, cached_tokens, cost_micros, unpriced_records)
       values ($1, 'acme', 'app-overflow', 'api-1', 'route-1', 2, '', 1, 0, 0, 0, 9223372036854775000, 0, 0, 0, array_fill(0::bigint, array[30]), 0, 0, 0, 0, 0)`,
      [`${poison.at.slice(0, 10)}T00:00:00Z`],
    );
    const poisonMessage = env.encode(poison);
    await env.produceUsage([poisonMessage, ...neighbours.map((record) => env.encode(record))].map((message) => ({ ...message, partition: 0 })));
    await env.waitForIngest();

    const letter = await eventually(() => collector.messages.find((record) => record.key === poison.recordId), 'the refused record on the dead-letter topic');
    expect(letter.value).toBe(poisonMessage.value);
    expect(letter.headers['x-dlq-error-code']).toBe('ERR_UNSTORABLE');
    expect(letter.headers['x-dlq-reason']).toContain(`Postgres refused record ${poison.recordId} (SQLSTATE 22003)`);
    const counted = await env.sql<{ record_id: string }>(`select record_id from $schema.usage_ledger where application_id in ('app-overflow', 'app-neighbour')`);
    expect(counted.map((row) => row.record_id).sort()).toEqual(neighbours.map((record) => record.recordId).sort());
    const [rollup] = await env.sql<{ requests: number }>(`select sum(requests)::int as requests from $schema.usage_rollup_day where application_id = 'app-neighbour'`);
    expect(rollup!.requests).toBe(neighbours.length);
    const metrics = (await app.get('/metrics', null)).text;
    expect(metrics).toMatch(/metering_records_dead_lettered_total\{[^}]*code="ERR_UNSTORABLE"[^}]*\} 1/);
  });

  it('takes a refused record out of a batch event alone, as a single-record event, and counts the rest of the batch', async () => {
    const counted = [usageRecord({ applicationId: 'app-batch' }), usageRecord({ applicationId: 'app-batch' })];
    const badStatus = { ...usageRecord({ applicationId: 'app-batch' }), status: 700 };
    const tooOld = usageRecord({ applicationId: 'app-batch', at: new Date(Date.now() - 40 * 86_400_000).toISOString() });
    await env.produceUsage([env.encodeBatch([counted[0]!, badStatus, tooOld, counted[1]!])]);
    await env.waitForIngest();

    for (const [record, code, reason] of [
      [badStatus, 'ERR_CONTRACT_VIOLATION', 'records.1.status: Too big'],
      [tooOld, 'ERR_BEYOND_RETENTION', 'older than the ledger retention'],
    ] as const) {
      const letter = await eventually(() => collector.messages.find((message) => message.key === record.recordId), `the dead letter of ${code}`);
      expect(letter.envelope).toMatchObject({ type: UsageRecordedV1.type, tenant: 'acme', source: '/gatehouse/gateway', data: record });
      expect(letter.headers['x-dlq-error-code']).toBe(code);
      expect(letter.headers['x-dlq-reason']).toContain(reason);
      expect(letter.headers['x-dlq-origin-offset']).toMatch(/^\d+$/);
    }
    const ledger = await env.sql<{ record_id: string }>(`select record_id from $schema.usage_ledger where application_id = 'app-batch'`);
    expect(ledger.map((row) => row.record_id).sort()).toEqual(counted.map((record) => record.recordId).sort());
  });
});

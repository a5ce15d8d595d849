import { deadLetterOf, newEnvelope, Topics, UsageRecordedV1 } from '@gatehouse/contracts';
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
    const bad = [
      { key: 'not-json', value: '{"specversion":"1.0",', expected: { code: 'ERR_CONTRACT_VIOLATION', reason: 'message is not JSON' } },
      { key: 'bad-status', value: badStatus, expected: { code: 'ERR_CONTRACT_VIOLATION', reason: 'status: Too big' } },
      { key: 'missing-field', value: missingField, expected: { code: 'ERR_CONTRACT_VIOLATION', reason: 'bytesIn:' } },
      { key: 'wrong-type', value: wrongType, expected: { code: 'ERR_CONTRACT_VIOLATION', reason: 'unexpected event type gatehouse.gateway.usage.recorded.v9' } },
      { key: 'too-old', value: tooOld.value as string, expected: { code: 'ERR_BEYOND_RETENTION', reason: 'older than the ledger retention' } },
    ];
    await env.produceUsage([env.encode(valid), ...bad.map(({ key, value }) => ({ key, value }))]);
    await env.waitForIngest();

    const letters = await eventually(() => (collector.messages.length >= bad.length ? collector.messages : null), 'five dead letters');
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
    expect(metrics).toMatch(/metering_records_dead_lettered_total\{[^}]*code="ERR_CONTRACT_VIOLATION"[^}]*\} 4/);
    expect(metrics).toMatch(/metering_records_dead_lettered_total\{[^}]*code="ERR_BEYOND_RETENTION"[^}]*\} 1/);
  });
});

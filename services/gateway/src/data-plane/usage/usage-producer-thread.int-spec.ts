import type { Worker } from 'node:worker_threads';
import { ContractViolationError, type Envelope, UsageBatchRecordedV1, UsageRecordedV1 } from '@gatehouse/contracts';
import { createKafka, ensureTopics } from '@gatehouse/messaging';
import { createLogger } from '@gatehouse/observability';
import { fixtureOf, TopicCollector } from '@gatehouse/testing';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageProducerThread } from './usage-producer-thread';
import type { UsageRecord } from './usage-record';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:29092').split(',');
const prefix = `${process.env.KAFKA_TOPIC_PREFIX ?? 'test.'}usage-thread-${Math.random().toString(16).slice(2, 10)}.`;
const kafka = createKafka({ clientId: 'usage-thread-test', brokers, logger: createLogger({ service: 'usage-thread-test', level: 'error' }) });
const records = (count: number, tenantId = 'tenant-a'): UsageRecord[] => Array.from({ length: count }, () => ({ ...fixtureOf(UsageRecordedV1), tenantId, recordId: crypto.randomUUID() }));
const recordsIn = (envelopes: Array<Envelope<Record<string, any>>>): UsageRecord[] => envelopes.flatMap((envelope) => envelope.data.records as UsageRecord[]);

describe('UsageProducerThread', () => {
  const registry = new Registry();
  const thread = new UsageProducerThread({ service: 'gateway', clientId: 'usage-thread-test', brokers, prefix, source: '/gatehouse/gateway', logLevel: 'error', registry });
  const collector = new TopicCollector(kafka, [UsageBatchRecordedV1.topic], { prefix });

  beforeAll(async () => {
    await ensureTopics(kafka, prefix, [UsageBatchRecordedV1.topic]);
    await collector.start();
    thread.start();
  });

  afterAll(async () => {
    await thread.close();
    await collector.stop();
  });

  it('produces every record of a batch from the worker thread, one batch event per tenant with the gateway as source', async () => {
    const batch = [...records(150, 'tenant-a'), ...records(100, 'tenant-b')];
    await thread.send(batch);
    const wanted = new Set(batch.map((record) => record.recordId));
    const produced = () => collector.ofType(UsageBatchRecordedV1).filter((envelope) => wanted.has(envelope.data.records[0].recordId));
    await collector.waitFor(() => recordsIn(produced()).length === batch.length, 'the batch');
    const envelopes = produced();
    expect(envelopes.map((envelope) => [envelope.tenant, envelope.data.records.length]).sort()).toEqual([
      ['tenant-a', 150],
      ['tenant-b', 100],
    ]);
    expect(envelopes.every((envelope) => envelope.source === '/gatehouse/gateway')).toBe(true);
    expect(recordsIn(envelopes).sort((a, b) => a.recordId.localeCompare(b.recordId))).toEqual([...batch].sort((a, b) => a.recordId.localeCompare(b.recordId)));
    expect(await registry.getSingleMetricAsString('gatehouse_messaging_published_total')).toContain(`topic="${prefix}${UsageBatchRecordedV1.topic.name}"} 2`);
  });

  it('refuses a batch holding a record that breaks the contract with a ContractViolationError, so the shipper can drop just that record', async () => {
    const [valid] = records(1);
    const broken = { ...valid!, recordId: crypto.randomUUID(), status: 'teapot' } as unknown as UsageRecord;
    const refusal = await thread.send([valid!, broken]).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(ContractViolationError);
    expect((refusal as Error).message).toMatch(/status/);
  });

  it('fails the sends a dying thread held and starts a new thread for the next send', async () => {
    // Stands for a crash of the thread (an uncaught error, out of memory).
    const worker = (thread as unknown as { worker: Worker }).worker;
    const held = thread.send(records(5));
    await worker.terminate();
    await expect(held).rejects.toThrow(/usage producer thread exited/);

    const batch = records(3);
    await thread.send(batch);
    const wanted = new Set(batch.map((record) => record.recordId));
    await collector.waitFor(() => recordsIn(collector.ofType(UsageBatchRecordedV1)).filter((record) => wanted.has(record.recordId)).length === batch.length, 'the batch after the restart');
  });
});

import type { Worker } from 'node:worker_threads';
import { ContractViolationError, UsageRecordedV1 } from '@gatehouse/contracts';
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
const records = (count: number): UsageRecord[] => Array.from({ length: count }, () => ({ ...fixtureOf(UsageRecordedV1), recordId: crypto.randomUUID() }));

describe('UsageProducerThread', () => {
  const registry = new Registry();
  const thread = new UsageProducerThread({ service: 'gateway', clientId: 'usage-thread-test', brokers, prefix, source: '/gatehouse/gateway', logLevel: 'error', registry });
  const collector = new TopicCollector(kafka, [UsageRecordedV1.topic], { prefix });

  beforeAll(async () => {
    await ensureTopics(kafka, prefix, [UsageRecordedV1.topic]);
    await collector.start();
    thread.start();
  });

  afterAll(async () => {
    await thread.close();
    await collector.stop();
  });

  it('produces every record of a batch from the worker thread, as usage events with the gateway as source', async () => {
    const batch = records(250);
    await thread.send(batch);
    const wanted = new Set(batch.map((record) => record.recordId));
    await collector.waitFor((messages) => messages.filter((message) => wanted.has(message.envelope?.data.recordId)).length === batch.length, 'the batch');
    const envelopes = collector.ofType(UsageRecordedV1).filter((envelope) => wanted.has(envelope.data.recordId));
    expect(envelopes).toHaveLength(batch.length);
    expect(envelopes.every((envelope) => envelope.source === '/gatehouse/gateway')).toBe(true);
    expect(envelopes[0]!.data).toEqual(batch.find((record) => record.recordId === envelopes[0]!.data.recordId));
    expect(await registry.getSingleMetricAsString('gatehouse_messaging_published_total')).toContain(`topic="${prefix}${UsageRecordedV1.topic.name}"} 250`);
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
    await collector.waitFor((messages) => messages.filter((message) => wanted.has(message.envelope?.data.recordId)).length === batch.length, 'the batch after the restart');
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { requireLocalKafka } from './infra';
import { startLocalKafka, type LocalKafka } from './kafka/local-kafka';
import { RESERVED_PORTS } from './ports';
import { repoRoot, stateDir } from './paths';

async function until<T>(what: string, check: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('local Kafka broker', () => {
  let work: string | undefined;
  let broker: LocalKafka | undefined;

  afterAll(async () => {
    await broker?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  // Runs wherever `npm test` runs: without Java 17+ and Maven it fails naming them, never skips.
  it('starts a second broker on free ports, carries a message, and leaves no JVM behind when stopped', async () => {
    const root = repoRoot();
    await requireLocalKafka('local-kafka.int-spec.ts', root);
    work = await mkdtemp(join(tmpdir(), 'gatehouse-kafka-spec-'));
    broker = await startLocalKafka({ root, cacheDir: join(stateDir(root), 'kafka'), dataDir: join(work, 'data'), workDir: work });
    expect(RESERVED_PORTS.has(broker.port)).toBe(false);
    expect(RESERVED_PORTS.has(broker.controllerPort)).toBe(false);
    expect(broker.brokers).not.toBe(process.env.KAFKA_BROKERS);

    const kafka = new Kafka({ clientId: 'devstack-spec', brokers: [broker.brokers], logLevel: logLevel.NOTHING });
    const topic = 'devstack.local-kafka.check';
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    await admin.disconnect();

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'k1', value: 'hello broker' }] });
    await producer.disconnect();

    const received: string[] = [];
    const consumer = kafka.consumer({ groupId: 'devstack-spec' });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void received.push(`${message.key}=${message.value}`) });
    await until('the message', () => (received.length > 0 ? received : undefined));
    await consumer.disconnect();
    expect(received).toEqual(['k1=hello broker']);

    const jvm = broker.process;
    expect(jvm.groupAlive).toBe(true);
    await broker.stop();
    broker = undefined;
    expect(jvm.running).toBe(false);
    await until('the broker process group to be gone', () => (jvm.groupAlive ? undefined : true), 10_000);
  });
});

import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMessagingTestEnv, type MessagingTestEnv, waitFor } from '../testing/messaging-test-kit';
import { EventProducer } from './event-producer';

type Produce = (request: { topicData: Array<{ topic: string }> }) => Promise<unknown>;

/**
 * Uses the shared broker: a produce request reaches it and is appended, and the answer is then
 * lost as if the connection had closed. kafkajs rolls the sequence numbers of that batch back
 * and retries; a second batch for the same partition must not take those numbers meanwhile.
 */
describe('a produce answer lost after the broker appended the batch', () => {
  let env: MessagingTestEnv;
  let topic: string;
  let lost = 0;
  // kafkajs' own broker class (the one place where a produce answer can be lost on purpose) and the error of a closed connection.
  const load = createRequire(__filename);
  const prototype = (load('kafkajs/src/broker') as { prototype: { produce: Produce } }).prototype;
  const { KafkaJSConnectionClosedError } = load('kafkajs/src/errors') as { KafkaJSConnectionClosedError: new (message: string) => Error };
  const produce = prototype.produce;

  beforeAll(async () => {
    env = await createMessagingTestEnv('lost-answer');
    topic = `${env.prefix}lost-answer`;
    const admin = env.kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
    prototype.produce = async function (this: unknown, request) {
      const answer = await produce.call(this, request);
      if (lost === 0 && request.topicData.some((entry) => entry.topic === topic)) {
        lost += 1;
        throw new KafkaJSConnectionClosedError('connection closed before the answer (injected)');
      }
      return answer;
    };
  });

  afterAll(async () => {
    prototype.produce = produce;
    await env?.cleanup();
  });

  it('does not make a concurrent send to the same topic vanish', async () => {
    const producer = new EventProducer(env.kafka, { prefix: env.prefix, source: '/test/lost-answer' });
    await producer.connect();
    try {
      await Promise.all(['A', 'B', 'C'].map((value) => producer.sendRaw(topic, [{ key: 'same-partition', value }])));
    } finally {
      await producer.disconnect();
    }
    expect(lost).toBe(1);
    const collector = await env.collect([topic]);
    const values = () => collector.on(topic).map((message) => message.value);
    await waitFor(() => ['A', 'B', 'C'].every((value) => values().includes(value)), { timeoutMs: 30_000, message: 'A, B and C on the topic' });
    expect(values()).toEqual(['A', 'B', 'C']);
  });
});

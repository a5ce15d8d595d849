import { ApplicationStateV1, deadLetterOf, type Envelope, type EventDefinition, RevocationStateV1, Topics } from '@gatehouse/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topicName } from '../kafka';
import { EventProducer } from '../producer/event-producer';
import { createMessagingTestEnv, type MessagingTestEnv, waitFor } from '../testing/messaging-test-kit';
import { type StateRecord, StateTopicReader } from './state-topic-reader';

const application = (applicationId: string, name: string) => ({
  applicationId,
  tenantId: 't1',
  teamId: 'team-1',
  name,
  status: 'active' as const,
  requireEncryptedTokens: false,
  allowedScopes: ['read'],
  updatedAt: new Date().toISOString(),
});

describe('StateTopicReader', () => {
  let env: MessagingTestEnv;
  let producer: EventProducer;
  let applications: string;
  const readers: StateTopicReader[] = [];

  const startReader = async (definitions: EventDefinition[] = [ApplicationStateV1]) => {
    const state = new Map<string, Envelope>();
    const seen: StateRecord[] = [];
    const reader = new StateTopicReader({
      kafka: env.kafka,
      prefix: env.prefix,
      definitions,
      groupId: 'gatehouse-gateway-state-test',
      producer,
      logger: env.logger,
      onRecord(record) {
        seen.push(record);
        if (record.envelope) state.set(record.key, record.envelope);
        else state.delete(record.key);
      },
    });
    readers.push(reader);
    await reader.start();
    return { reader, state, seen };
  };

  beforeAll(async () => {
    env = await createMessagingTestEnv('state');
    const specs = [Topics.applicationState, Topics.revocationState];
    await env.ensureTopics([...specs, ...specs.map((spec) => ({ ...spec, name: deadLetterOf(spec.name), partitions: 1 }))]);
    applications = topicName(env.prefix, Topics.applicationState);
    producer = new EventProducer(env.kafka, { prefix: env.prefix, source: '/test/identity', logger: env.logger });
    await producer.connect();
  });

  afterAll(async () => {
    await Promise.allSettled(readers.map((reader) => reader.stop()));
    await producer?.disconnect();
    await env?.cleanup();
  });

  it('is caught up at once on empty topics', async () => {
    const { reader } = await startReader([RevocationStateV1]);
    expect(reader.isCaughtUp()).toBe(true);
    await reader.caughtUp();
  });

  it('catches up to the high-water marks seen at start, applying updates and tombstones, and follows what comes after', async () => {
    for (let index = 0; index < 30; index += 1) await producer.publish(ApplicationStateV1, application(`app-${index}`, 'v1'));
    await producer.publish(ApplicationStateV1, application('app-3', 'v2'));
    await producer.publishTombstone(ApplicationStateV1, 'app-7');
    await producer.sendRaw(applications, [{ key: 'app-garbage', value: 'garbage' }]);
    await producer.publish(ApplicationStateV1, application('app-last', 'v1'));

    const { reader, state } = await startReader();
    await reader.caughtUp();
    expect(reader.isCaughtUp()).toBe(true);
    expect(state.size).toBe(30);
    expect(state.has('app-7')).toBe(false);
    expect(state.has('app-last')).toBe(true);
    expect((state.get('app-3')!.data as { name: string }).name).toBe('v2');

    await producer.publish(ApplicationStateV1, application('app-live', 'v1'));
    await waitFor(() => state.has('app-live'));
  });

  it('sends invalid records of a state topic to its dead-letter topic and reads on', async () => {
    const dlq = await env.collect([deadLetterOf(applications)]);
    const letters = await dlq.waitFor((messages) => messages.some((message) => message.key === 'app-garbage'));
    expect(letters.find((message) => message.key === 'app-garbage')).toMatchObject({
      value: 'garbage',
      headers: { 'x-dlq-error-code': 'ERR_CONTRACT_VIOLATION', 'x-dlq-origin-topic': applications, 'x-dlq-consumer-group': 'gatehouse-gateway-state-test' },
    });
  });

  it('gives every replica every partition: two readers of one group each see the whole state', async () => {
    const [first, second] = await Promise.all([startReader(), startReader()]);
    await Promise.all([first.reader.caughtUp(), second.reader.caughtUp()]);
    expect([...first.state.keys()].sort()).toEqual([...second.state.keys()].sort());
    expect(first.state.size).toBe(31);
  });
});

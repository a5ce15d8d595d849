import { ApplicationStateV1, type Envelope, encodeEvent, TeamChangedV1, TenantChangedV1, Topics, deadLetterOf } from '@gatehouse/contracts';
import { currentCorrelationId, withCorrelationId } from '@gatehouse/observability';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NonRetriableError, RetriableError } from '../errors';
import { topicName } from '../kafka';
import { Outbox } from '../outbox/outbox';
import { OutboxRelay } from '../outbox/outbox-relay';
import { schemaOf } from '../outbox/schema';
import { EventProducer } from '../producer/event-producer';
import { createMessagingTestEnv, type MessagingTestEnv, type TopicCollector, waitFor } from '../testing/messaging-test-kit';
import { EventConsumer } from './event-consumer';

const at = () => new Date().toISOString();
const tenant = (tenantId: string, name = 'Acme') => ({ tenantId, name, status: 'active' as const, at: at() });
const application = (applicationId: string) => ({
  applicationId,
  tenantId: 't1',
  teamId: 'team-1',
  name: 'App',
  status: 'active' as const,
  requireEncryptedTokens: false,
  allowedScopes: ['read'],
  updatedAt: at(),
});

/**
 * Two services: "identity" stages events in its outbox; "gateway" consumes them in its own
 * schema through an idempotent consumer whose handler records each effect.
 */
describe('EventConsumer', () => {
  let env: MessagingTestEnv;
  let identity: DataSource;
  let gateway: DataSource;
  let gatewaySchema: string;
  let producer: EventProducer;
  let relay: OutboxRelay;
  let consumer: EventConsumer;
  let dlq: TopicCollector;
  let eventsTopic: string;
  const registry = new Registry();
  const failuresLeft = new Map<string, number>();
  const attempts = new Map<string, number>();
  const tombstones: string[] = [];
  const group = 'gatehouse-gateway-test';

  const effects = async (tenantId: string) =>
    (await gateway.query(`select "event_id", "correlation_id", "trace_id" from "${gatewaySchema}"."effects" where "tenant_id" = $1`, [tenantId])) as Array<{
      event_id: string;
      correlation_id: string | null;
      trace_id: string;
    }>;
  const metric = async (name: string, labels: Record<string, string>) => {
    const values = (await registry.getSingleMetric(name)!.get()).values;
    return values.filter((value) => Object.entries(labels).every(([key, expected]) => value.labels[key] === expected)).reduce((sum, value) => sum + value.value, 0);
  };

  beforeAll(async () => {
    env = await createMessagingTestEnv('consumer');
    await env.ensureTopics([Topics.identityEvents, Topics.applicationState, ...[Topics.identityEvents, Topics.applicationState].map((spec) => ({ ...spec, name: deadLetterOf(spec.name), partitions: 1 }))]);
    eventsTopic = topicName(env.prefix, Topics.identityEvents);
    identity = await env.openDataSource('identity');
    gateway = await env.openDataSource('gateway');
    gatewaySchema = schemaOf(gateway);
    await gateway.query(`create table "${gatewaySchema}"."effects" ("tenant_id" text not null, "event_id" text not null, "correlation_id" text, "trace_id" text not null)`);
    producer = new EventProducer(env.kafka, { prefix: env.prefix, source: '/test/identity', logger: env.logger, registry });
    await producer.connect();
    relay = new OutboxRelay({ dataSource: identity, producer, logger: env.logger });
    await relay.start();
    dlq = await env.collect([deadLetterOf(eventsTopic), deadLetterOf(topicName(env.prefix, Topics.applicationState))]);
    consumer = new EventConsumer({
      kafka: env.kafka,
      groupId: group,
      prefix: env.prefix,
      source: '/test/gateway',
      definitions: [TenantChangedV1, ApplicationStateV1],
      dataSource: gateway,
      producer,
      registry,
      logger: env.logger,
      maxAttempts: 3,
      backoff: { initialMs: 20, maxMs: 100 },
      sessionTimeoutMs: 6_000,
      heartbeatIntervalMs: 1_000,
      async handle(envelope: Envelope, context) {
        const { tenantId, name } = envelope.data as { tenantId: string; name: string };
        attempts.set(tenantId, (attempts.get(tenantId) ?? 0) + 1);
        await context.manager!.query(`insert into "${gatewaySchema}"."effects" values ($1, $2, $3, $4)`, [tenantId, envelope.id, currentCorrelationId() ?? null, envelope.traceid]);
        const left = failuresLeft.get(tenantId) ?? 0;
        if (left > 0) {
          failuresLeft.set(tenantId, left - 1);
          throw new RetriableError(`upstream busy for ${tenantId}`);
        }
        if (name === 'always-retriable') throw new RetriableError('still busy');
        if (name === 'always-unknown') throw new TypeError('cannot read properties of undefined');
        if (name === 'non-retriable') throw new NonRetriableError('tenant is unknown here');
      },
      async onTombstone(key, context) {
        expect(context.manager).toBeDefined();
        tombstones.push(key);
      },
    });
    await consumer.start();
  });

  afterAll(async () => {
    await consumer?.stop();
    await relay?.stop();
    await producer?.disconnect();
    await env?.cleanup();
  });

  it('applies an event from another service\'s outbox in its own database, under the request\'s correlation id', async () => {
    await withCorrelationId('req-cross-service', () =>
      identity.transaction((manager) => Outbox.add(manager, TenantChangedV1, tenant('tenant-a'), { source: '/test/identity' })),
    );
    const [effect] = await waitFor(async () => {
      const rows = await effects('tenant-a');
      return rows.length > 0 ? rows : undefined;
    });
    expect(effect).toMatchObject({ correlation_id: 'req-cross-service', trace_id: 'req-cross-service' });
    const processed = await gateway.query(`select "consumer_group", "event_type" from "${gatewaySchema}"."processed_events" where "event_id" = $1`, [effect!.event_id]);
    expect(processed).toEqual([{ consumer_group: group, event_type: TenantChangedV1.type }]);
  });

  it('has one effect for an event delivered twice', async () => {
    const encoded = encodeEvent(TenantChangedV1, tenant('tenant-twice'), { source: '/test/identity' });
    const message = { key: encoded.key, value: encoded.value };
    await producer.sendRaw(eventsTopic, [message]);
    await producer.sendRaw(eventsTopic, [message]);
    await producer.publish(TenantChangedV1, tenant('tenant-twice', 'after the duplicate'));
    await waitFor(async () => (await effects('tenant-twice')).length === 2);
    expect((await effects('tenant-twice')).filter((row) => row.event_id === encoded.envelope.id)).toHaveLength(1);
    expect(await metric('gatehouse_messaging_consumed_total', { outcome: 'duplicate' })).toBe(1);
  });

  it('dead-letters a message that is not JSON or fails its schema, with the reason and origin, and goes on', async () => {
    const broken = JSON.parse(encodeEvent(TenantChangedV1, tenant('tenant-poison'), { source: '/test' }).value);
    broken.data.status = 'exploded';
    await producer.sendRaw(eventsTopic, [
      { key: 'tenant-poison', value: '{not json', headers: { 'x-request-id': 'req-poison' } },
      { key: 'tenant-poison', value: JSON.stringify(broken) },
    ]);
    await producer.publish(TenantChangedV1, tenant('tenant-poison', 'valid'));
    await waitFor(async () => (await effects('tenant-poison')).length === 1);
    const letters = (await dlq.waitFor((messages) => messages.filter((message) => message.key === 'tenant-poison').length === 2)).filter(
      (message) => message.key === 'tenant-poison',
    );
    expect(letters.map((letter) => letter.topic)).toEqual([deadLetterOf(eventsTopic), deadLetterOf(eventsTopic)]);
    expect(letters[0]!.value).toBe('{not json');
    expect(letters[0]!.headers).toMatchObject({
      'x-request-id': 'req-poison',
      'x-dlq-error-code': 'ERR_CONTRACT_VIOLATION',
      'x-dlq-origin-topic': eventsTopic,
      'x-dlq-consumer-group': group,
      'x-dlq-attempts': '1',
    });
    expect(letters[0]!.headers['x-dlq-reason']).toMatch(/not JSON/);
    expect(letters[1]!.headers['x-dlq-reason']).toMatch(/payload is invalid: status/);
    expect(Number(letters[1]!.headers['x-dlq-origin-offset'])).toBe(Number(letters[0]!.headers['x-dlq-origin-offset']) + 1);
    expect(letters[0]!.headers['x-dlq-origin-partition']).toMatch(/^[0-2]$/);
    expect(Date.parse(letters[0]!.headers['x-dlq-failed-at']!)).not.toBeNaN();
  });

  it('skips other registered types of its topics without dead-lettering them', async () => {
    await producer.publish(TeamChangedV1, { teamId: 'team-skip', tenantId: 'tenant-skip', name: 'Core', status: 'active', at: at() });
    await producer.publish(TenantChangedV1, tenant('tenant-skip'), { key: 'team-skip' });
    await waitFor(async () => (await effects('tenant-skip')).length === 1);
    expect(await metric('gatehouse_messaging_consumed_total', { outcome: 'ignored' })).toBeGreaterThanOrEqual(1);
    expect(dlq.messages.some((message) => message.key === 'team-skip')).toBe(false);
  });

  it('retries a retriable error with backoff until it succeeds, keeping one effect', async () => {
    const published = await metric('gatehouse_messaging_published_total', { topic: eventsTopic });
    const transient = await metric('gatehouse_messaging_failed_total', { topic: eventsTopic, group, kind: 'transient' });
    failuresLeft.set('tenant-flaky', 2);
    await producer.publish(TenantChangedV1, tenant('tenant-flaky'));
    expect(await metric('gatehouse_messaging_published_total', { topic: eventsTopic })).toBe(published + 1);
    await waitFor(async () => (await effects('tenant-flaky')).length === 1);
    expect(attempts.get('tenant-flaky')).toBe(3);
    expect(dlq.messages.some((message) => message.key === 'tenant-flaky')).toBe(false);
    expect(await metric('gatehouse_messaging_failed_total', { topic: eventsTopic, group, kind: 'transient' })).toBe(transient + 2);
  });

  it('dead-letters a message that keeps failing after the last attempt, and at once for a non-retriable error', async () => {
    const failed = (kind: string) => metric('gatehouse_messaging_failed_total', { topic: eventsTopic, group, kind });
    const [transient, permanent] = [await failed('transient'), await failed('permanent')];
    await producer.publish(TenantChangedV1, tenant('tenant-stuck', 'always-retriable'));
    await producer.publish(TenantChangedV1, tenant('tenant-bug', 'always-unknown'));
    await producer.publish(TenantChangedV1, tenant('tenant-refused', 'non-retriable'));
    await producer.publish(TenantChangedV1, tenant('tenant-stuck', 'next one'));
    await waitFor(async () => (await effects('tenant-stuck')).length === 1);
    const letters = await dlq.waitFor((messages) => ['tenant-stuck', 'tenant-bug', 'tenant-refused'].every((key) => messages.some((message) => message.key === key)));
    const header = (key: string, name: string) => letters.find((message) => message.key === key)!.headers[name];
    expect([header('tenant-stuck', 'x-dlq-error-code'), header('tenant-stuck', 'x-dlq-attempts')]).toEqual(['ERR_RETRIABLE', '3']);
    expect(header('tenant-stuck', 'x-dlq-reason')).toBe('still busy');
    expect([header('tenant-bug', 'x-dlq-error-code'), header('tenant-bug', 'x-dlq-attempts')]).toEqual(['ERR_UNKNOWN', '3']);
    expect([header('tenant-refused', 'x-dlq-error-code'), header('tenant-refused', 'x-dlq-attempts')]).toEqual(['ERR_NON_RETRIABLE', '1']);
    expect(attempts.get('tenant-refused')).toBe(1);
    // A failed attempt's effect rolled back with its transaction.
    expect(await effects('tenant-bug')).toEqual([]);
    expect(await metric('gatehouse_messaging_dead_lettered_total', { topic: eventsTopic })).toBeGreaterThanOrEqual(5);
    // Three attempts each for the retriable and the unknown error, one for the refused event.
    expect([(await failed('transient')) - transient, (await failed('permanent')) - permanent]).toEqual([6, 1]);
    expect(await registry.getSingleMetricAsString('gatehouse_messaging_failed_total')).toContain(
      `gatehouse_messaging_failed_total{topic="${eventsTopic}",group="${group}",kind="permanent"}`,
    );
  });

  it('hands tombstones of a compacted topic to onTombstone', async () => {
    await producer.publish(ApplicationStateV1, application('app-1'));
    await producer.publishTombstone(ApplicationStateV1, 'app-1');
    await waitFor(() => tombstones.includes('app-1'));
  });

  it('commits processed offsets on stop, so a restarted consumer has nothing left to do', async () => {
    await producer.publish(TenantChangedV1, tenant('tenant-last'));
    await waitFor(async () => (await effects('tenant-last')).length === 1);
    await consumer.stop();
    const admin = env.kafka.admin();
    await admin.connect();
    try {
      const [ends, [committed]] = await Promise.all([admin.fetchTopicOffsets(eventsTopic), admin.fetchOffsets({ groupId: group, topics: [eventsTopic] })]);
      const committedBy = new Map(committed!.partitions.map((entry) => [entry.partition, entry.offset]));
      for (const end of ends) if (end.high !== '0') expect(committedBy.get(end.partition)).toBe(end.high);
    } finally {
      await admin.disconnect();
    }
    expect(await consumer.lag()).toBe(0);
    expect(await metric('gatehouse_messaging_consumer_lag', { group, topic: eventsTopic })).toBe(0);
    await consumer.start();
    expect(await consumer.lag()).toBe(0);
  });
  it('without a data source hands the handler no transaction, and stop lets the handler in flight finish and commit', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const seen: Array<{ manager: unknown; correlationId: string | undefined; partition: number; offset: string }> = [];
    const plain = new EventConsumer({
      kafka: env.kafka,
      groupId: 'gatehouse-plain-test',
      prefix: env.prefix,
      source: '/test/plain',
      definitions: [TenantChangedV1],
      producer,
      logger: env.logger,
      async handle(envelope, context) {
        if ((envelope.data as { tenantId: string }).tenantId !== 'tenant-gated') return;
        seen.push({ manager: context.manager, correlationId: currentCorrelationId(), partition: context.partition, offset: context.offset });
        await gate;
      },
    });
    await plain.start();
    try {
      await withCorrelationId('req-gated', () => producer.publish(TenantChangedV1, tenant('tenant-gated')));
      await waitFor(() => seen.length === 1);
      expect(seen[0]).toMatchObject({ manager: undefined, correlationId: 'req-gated' });
      let stopped = false;
      const stopping = plain.stop().then(() => (stopped = true));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(stopped).toBe(false);
      release();
      await stopping;
    } finally {
      release();
      await plain.stop();
    }
    const admin = env.kafka.admin();
    await admin.connect();
    try {
      const [committed] = await admin.fetchOffsets({ groupId: 'gatehouse-plain-test', topics: [eventsTopic] });
      const offset = committed!.partitions.find((entry) => entry.partition === seen[0]!.partition)!.offset;
      expect(Number(offset)).toBe(Number(seen[0]!.offset) + 1);
    } finally {
      await admin.disconnect();
    }
  });
});

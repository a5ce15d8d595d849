import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationStateV1, deadLetterOf, TenantChangedV1, Topics } from '@gatehouse/contracts';
import { type LocalKafka, repoRoot, requireLocalKafka, startLocalKafka, stateDir } from '@gatehouse/devstack';
import { createLogger, createMetricsRegistry } from '@gatehouse/observability';
import { createServiceDataSource, dropSchema, openServiceDataSource } from '@gatehouse/persistence';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messagingEntities, messagingMigrations } from '../index';
import { createKafka } from '../kafka';
import { schemaOf } from '../outbox/schema';
import { EventProducer } from '../producer/event-producer';
import { StateTopicReader } from '../state/state-topic-reader';
import { suffix, waitFor } from '../testing/messaging-test-kit';
import { ensureTopics } from '../topics';
import { EventConsumer } from './event-consumer';

const EVENTS = 200;
const STATES = 20;

const application = (index: number, name: string) => ({
  applicationId: `app-${index}`,
  tenantId: 't1',
  teamId: 'team-1',
  name,
  status: 'active' as const,
  requireEncryptedTokens: false,
  allowedScopes: ['read'],
  updatedAt: new Date().toISOString(),
});

/**
 * Runs its own broker (never the shared one), stops it under a running consumer and state
 * reader, and starts it again on the same ports and data directory.
 */
describe('consumers across a broker restart', () => {
  const root = repoRoot();
  const work = mkdtempSync(join(tmpdir(), 'msg-recovery-kafka-'));
  const location = { root, cacheDir: join(stateDir(root), 'kafka'), dataDir: join(work, 'data'), workDir: work };
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const prefix = `recovery-${suffix()}.`;
  const logger = createLogger({ service: 'messaging-recovery-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  let broker: LocalKafka;
  let kafka: Kafka;
  let dataSource: DataSource;
  let schema: string;
  let producer: EventProducer;
  let consumer: EventConsumer;
  let reader: StateTopicReader;

  beforeAll(async () => {
    await requireLocalKafka('consumer-recovery.fault-spec.ts', root);
    broker = await startLocalKafka(location);
    kafka = createKafka({ clientId: 'recovery-test', brokers: [broker.brokers], logger });
    const specs = [Topics.identityEvents, Topics.applicationState];
    await ensureTopics(kafka, prefix, [...specs, ...specs.map((spec) => ({ ...spec, name: deadLetterOf(spec.name), partitions: 1 }))]);
    dataSource = createServiceDataSource({ url: databaseUrl, schema: `msg_recovery_${suffix()}`, entities: messagingEntities, migrations: messagingMigrations, poolSize: 5 });
    await openServiceDataSource(dataSource);
    schema = schemaOf(dataSource);
    await dataSource.query(`create table "${schema}"."effects" ("event_id" text not null)`);
    producer = new EventProducer(kafka, { prefix, source: '/test/recovery', logger });
    await producer.connect();
  });

  afterAll(async () => {
    await reader?.stop().catch(() => undefined);
    await consumer?.stop().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    if (dataSource?.isInitialized) await dataSource.destroy();
    if (schema) await dropSchema(databaseUrl, schema);
    await broker?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('reports not connected while the broker is down, comes back by itself, and applies every event and record exactly once', async () => {
    const registry = createMetricsRegistry('recovery-test');
    const applied = new Map<string, number>();
    reader = new StateTopicReader({
      kafka,
      prefix,
      definitions: [ApplicationStateV1],
      groupId: 'recovery-state',
      producer,
      logger,
      onRecord(record) {
        if (record.envelope) applied.set(record.envelope.id, (applied.get(record.envelope.id) ?? 0) + 1);
      },
    });
    consumer = new EventConsumer({
      kafka,
      groupId: 'recovery-consumer',
      prefix,
      source: '/test/recovery',
      definitions: [TenantChangedV1],
      dataSource,
      producer,
      registry,
      logger,
      sessionTimeoutMs: 6_000,
      heartbeatIntervalMs: 1_000,
      // Offsets are committed only at the end of a batch, so the outage leaves applied events uncommitted.
      commitIntervalMs: 3_600_000,
      async handle(envelope, context) {
        await context.manager!.query(`insert into "${schema}"."effects" ("event_id") values ($1)`, [envelope.id]);
        await new Promise((resolve) => setTimeout(resolve, 40));
      },
    });
    const effects = async () => ((await dataSource.query(`select count(*)::int as count from "${schema}"."effects"`)) as Array<{ count: number }>)[0]!.count;
    const at = () => new Date().toISOString();
    const tenants = (from: number, count: number) => Array.from({ length: count }, (_, index) => ({ tenantId: `tenant-${from + index}`, name: `Tenant ${from + index}`, status: 'active' as const, at: at() }));

    for (let index = 0; index < STATES; index += 1) await producer.publish(ApplicationStateV1, application(index, 'before'));
    await producer.publishMany(TenantChangedV1, tenants(0, EVENTS));
    await reader.start();
    await consumer.start();
    await reader.caughtUp();
    await waitFor(async () => (await effects()) >= 20, { timeoutMs: 60_000, message: 'the consumer to be in the middle of its work' });
    expect(consumer.problem()).toBeNull();

    // A clean stop: what is tested is the clients, not a broker losing acknowledged writes.
    const exit = await broker.process.stop(90_000);
    expect(exit.signal).not.toBe('SIGKILL');
    await waitFor(() => !consumer.isRunning() && !reader.isConnected(), { timeoutMs: 120_000, intervalMs: 200, message: 'both consumers to give up on the stopped broker' });
    expect(consumer.problem()).toMatch(/^consumer recovery-consumer is restarting after a crash/);
    const duringOutage = await effects();

    broker = await startLocalKafka({ ...location, port: broker.port, controllerPort: broker.controllerPort });
    await waitFor(() => consumer.isRunning() && reader.isConnected(), { timeoutMs: 120_000, intervalMs: 200, message: 'both consumers to join again' });
    expect(consumer.status().restarts).toBeGreaterThan(0);
    expect(reader.status().restarts).toBeGreaterThan(0);

    // A producer of its own: what is tested here is the consumers.
    const publisher = new EventProducer(kafka, { prefix, source: '/test/recovery', logger });
    await publisher.connect();
    try {
      await publisher.publishMany(TenantChangedV1, tenants(EVENTS, EVENTS));
      for (let index = 0; index < STATES; index += 1) await publisher.publish(ApplicationStateV1, application(index, 'after'));
    } finally {
      await publisher.disconnect();
    }
    await waitFor(async () => (await effects()) >= 2 * EVENTS, { timeoutMs: 120_000, message: 'every event to have an effect' });
    await waitFor(() => applied.size >= 2 * STATES, { timeoutMs: 60_000, message: 'every state record to be applied' });

    const rows = (await dataSource.query(`select "event_id", count(*)::int as n from "${schema}"."effects" group by "event_id"`)) as Array<{ n: number }>;
    expect(rows).toHaveLength(2 * EVENTS);
    expect(rows.filter((row) => row.n !== 1)).toEqual([]);
    const [{ ledger }] = await dataSource.query(`select count(*)::int as ledger from "${schema}"."processed_events"`);
    expect(ledger).toBe(2 * EVENTS);
    const consumed = await registry.getSingleMetric('gatehouse_messaging_consumed_total')!.get();
    const outcomes = Object.fromEntries(consumed.values.filter((value) => value.labels.group === 'recovery-consumer').map((value) => [value.labels.outcome, value.value]));
    expect(outcomes.processed).toBe(2 * EVENTS);
    // The replacement reader continued where the crashed one stopped: nothing was read twice.
    expect(applied.size).toBe(2 * STATES);
    expect([...applied.values()].every((count) => count === 1)).toBe(true);
    console.log(
      `effects when both had given up: ${duringOutage}; redelivered and skipped by the ledger: ${outcomes.duplicate ?? 0}; restarts: consumer ${consumer.status().restarts}, reader ${reader.status().restarts}`,
    );
  }, 420_000);
});

import { TenantChangedV1, Topics } from '@gatehouse/contracts';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemaOf } from '../outbox/schema';
import { EventProducer } from '../producer/event-producer';
import { runFixture } from '../testing/child-process';
import { createMessagingTestEnv, type MessagingTestEnv, waitFor } from '../testing/messaging-test-kit';

const EVENTS = 150;

describe('EventConsumer killed in the middle of a batch', () => {
  let env: MessagingTestEnv;
  let dataSource: DataSource;
  let schema: string;
  let producer: EventProducer;

  beforeAll(async () => {
    env = await createMessagingTestEnv('crash');
    await env.ensureTopics([Topics.identityEvents]);
    dataSource = await env.openDataSource('consumer');
    schema = schemaOf(dataSource);
    await dataSource.query(`create table "${schema}"."effects" ("event_id" text not null, "pid" integer not null)`);
    producer = new EventProducer(env.kafka, { prefix: env.prefix, source: '/test/crash', logger: env.logger });
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await env?.cleanup();
  });

  it('has exactly one effect per event after a SIGKILL and a restart', async () => {
    const at = new Date().toISOString();
    await producer.publishMany(
      TenantChangedV1,
      Array.from({ length: EVENTS }, (_, index) => ({ tenantId: `tenant-${index}`, name: `Tenant ${index}`, status: 'active' as const, at })),
    );
    const fixtureEnv = {
      KAFKA_BROKERS: env.brokers.join(','),
      DATABASE_URL: env.databaseUrl,
      FIXTURE_SCHEMA: schema,
      FIXTURE_PREFIX: env.prefix,
      FIXTURE_GROUP: 'gatehouse-crash-test',
      FIXTURE_HANDLER_DELAY_MS: '15',
    };
    const count = async () => ((await dataSource.query(`select count(*)::int as count from "${schema}"."effects"`)) as Array<{ count: number }>)[0]!.count;

    const first = runFixture('crash-consumer.fixture.ts', fixtureEnv);
    await first.line(/^ready$/);
    await waitFor(async () => (await count()) >= 20, { message: 'the first consumer to be in the middle of its work' });
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const beforeRestart = await count();
    expect(beforeRestart).toBeLessThan(EVENTS);

    const second = runFixture('crash-consumer.fixture.ts', fixtureEnv);
    await second.line(/^ready$/);
    await waitFor(async () => (await count()) >= EVENTS, { timeoutMs: 60_000, message: 'every event to have an effect' });
    second.child.kill('SIGTERM');
    const outcomes = JSON.parse((await second.line(/^outcomes /)).slice('outcomes '.length)) as Record<string, number>;
    expect((await second.exited).code).toBe(0);

    const rows = (await dataSource.query(`select "event_id", count(*)::int as n from "${schema}"."effects" group by "event_id"`)) as Array<{ n: number }>;
    expect(rows).toHaveLength(EVENTS);
    expect(rows.every((row) => row.n === 1)).toBe(true);
    // The restarted consumer was handed events the killed one had already applied, and skipped them.
    expect(outcomes.duplicate).toBeGreaterThan(0);
    expect(outcomes.processed).toBe(EVENTS - beforeRestart);
    const [{ ledger }] = await dataSource.query(`select count(*)::int as ledger from "${schema}"."processed_events"`);
    expect(ledger).toBe(EVENTS);
  });
});

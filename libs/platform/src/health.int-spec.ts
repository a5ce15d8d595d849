import 'reflect-metadata';
import { connect, type Socket } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { baseConfigSchema, loadConfig } from '@gatehouse/config';
import { deleteTopicsWithPrefix, dropDatabase, ensureDatabase, freePorts, isolatedTestEnv } from '@gatehouse/devstack';
import { createLogger } from '@gatehouse/observability';
import { eventually } from '@gatehouse/testing';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceApp } from './bootstrap';
import { PlatformModule } from './platform.module';

interface Report {
  status: string;
  checks: Record<string, { status: string; error?: string }>;
}

/**
 * Every connection of the service's Kafka client is made here: `cut()` resets the open ones,
 * as a broker that dies does, and sends new ones to a port nobody listens on.
 */
class SwitchableBroker {
  private readonly sockets = new Set<Socket>();
  private deadPort: number | undefined;

  readonly socketFactory = ({ host, port, onConnect }: { host: string; port: number; onConnect: () => void }): Socket => {
    const socket = connect({ host, port: this.deadPort ?? port }, onConnect);
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    return socket;
  };

  cut(deadPort: number): void {
    this.deadPort = deadPort;
    for (const socket of this.sockets) socket.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
  }

  restore(): void {
    this.deadPort = undefined;
  }
}

/** The health endpoints of a service app built as every service builds it, on its own database. */
describe('health endpoints', () => {
  const env = isolatedTestEnv('platform-health');
  const database = env.schema;
  const broker = new SwitchableBroker();
  const admin = new Client({ connectionString: env.databaseUrl });
  let app: INestApplication;
  let base: string;

  const ready = async () => {
    const response = await fetch(`${base}/health/ready`);
    return { status: response.status, report: (await response.json()) as Report };
  };
  const live = async () => (await fetch(`${base}/health/live`)).status;
  /** The readiness report once it answers 503 with `check` failing. */
  const failing = (check: string) =>
    eventually(async () => {
      const answer = await ready();
      return answer.status === 503 && answer.report.checks[check]?.status === 'failing' ? answer.report : undefined;
    }, `readiness to report the ${check} check failing`, 30_000, 200);
  const allowConnections = (allow: boolean) => admin.query(`alter database "${database}" allow_connections ${allow}`);

  beforeAll(async () => {
    await admin.connect();
    const databaseUrl = await ensureDatabase(env.databaseUrl, database);
    const logger = createLogger({ service: 'platform-health-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
    const config = loadConfig(baseConfigSchema, { DATABASE_URL: databaseUrl, KAFKA_BROKERS: env.kafkaBrokers, KAFKA_TOPIC_PREFIX: env.topicPrefix, LOG_LEVEL: 'silent' });
    const kafka = new Kafka({
      clientId: 'platform-health-test',
      brokers: config.KAFKA_BROKERS,
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1_000,
      socketFactory: broker.socketFactory,
    });
    app = await createServiceApp({
      module: PlatformModule.forRoot({ service: 'catalog', config, logger, kafka }),
      logger,
      title: 'health',
      description: 'health',
    });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });

  afterAll(async () => {
    broker.restore();
    await allowConnections(true).catch(() => undefined);
    await app?.close();
    await admin.end();
    await dropDatabase(env.databaseUrl, database);
    await deleteTopicsWithPrefix(env.kafkaBrokers, env.topicPrefix);
  });

  it('answers /health/live and /health/ready with 200 while Postgres and Kafka answer', async () => {
    expect(await live()).toBe(200);
    const { status, report } = await ready();
    expect(status).toBe(200);
    expect(report).toMatchObject({ status: 'ok', checks: { postgres: { status: 'ok' }, kafka: { status: 'ok' } } });
  });

  it('is not ready, naming the kafka check, while the broker is unreachable, and ready again once it answers', async () => {
    const [deadPort] = await freePorts(1);
    broker.cut(deadPort!);
    const down = await failing('kafka');
    expect(down.status).toBe('unavailable');
    expect(down.checks.kafka!.error).toBeTruthy();
    expect(down.checks.postgres!.status).toBe('ok');
    expect(await live()).toBe(200);

    broker.restore();
    await eventually(async () => (await ready()).status === 200, 'readiness once the broker answers again', 60_000, 200);
  });

  it('is not ready, naming the postgres check, once the database refuses connections, and ready again when it accepts them', async () => {
    await allowConnections(false);
    await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [database]);
    const down = await failing('postgres');
    expect(down.status).toBe('unavailable');
    expect(down.checks.postgres!.error).toBeTruthy();
    expect(down.checks.kafka!.status).toBe('ok');
    expect(await live()).toBe(200);

    await allowConnections(true);
    await eventually(async () => (await ready()).status === 200, 'readiness once the database accepts connections again', 30_000, 200);
  });
});

import 'reflect-metadata';
import { generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import type { INestApplication, Type } from '@nestjs/common';
import { baseConfigSchema, loadConfig, port } from '@gatehouse/config';
import { encodeEvent, type EventData, type EventDefinition, KeyStateV1, newEnvelope, type PublicJwk, Topics, UsageBatchRecordedV1, UsageRecordedV1 } from '@gatehouse/contracts';
import { createKafka, ensureTopics, topicName } from '@gatehouse/messaging';
import { createLogger } from '@gatehouse/observability';
import { dropSchema } from '@gatehouse/persistence';
import { createServiceApp } from '@gatehouse/platform';
import { eventually } from '@gatehouse/testing';
import { SignJWT } from 'jose';
import { type Kafka, type Message, Partitioners, type Producer } from 'kafkajs';
import { Client } from 'pg';
import { AppModule, type MeteringConfig } from '../app.module';
import type { Clock } from '../clock/clock';
import type { UsageRecord } from '../ingest/usage-record';
import { meteringConfigSchema } from '../metering.config';

export const BOOTSTRAP_TOKEN = `bootstrap-${randomBytes(16).toString('hex')}`;
export const TOKEN_ISSUER = 'http://issuer.test';

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

/** A running metering instance on an ephemeral port. */
export class MeteringTestApp {
  constructor(
    readonly app: INestApplication,
    readonly url: string,
    private readonly onClose: () => void,
  ) {}

  async get(path: string, token: string | null = BOOTSTRAP_TOKEN): Promise<HttpAnswer> {
    const response = await fetch(`${this.url}${path}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
    const text = await response.text();
    let body: unknown = null;
    if ((response.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(text);
    return { status: response.status, headers: response.headers, text, body };
  }

  service<T>(type: Type<T>): T {
    return this.app.get(type, { strict: false });
  }

  async close(): Promise<void> {
    this.onClose();
    await this.app.close();
  }
}

/**
 * Isolation for one integration spec file: its own Postgres schema, topic prefix and consumer
 * group, a producer for usage records and catalog state, SQL access to the schema, and admin
 * tokens signed by a key published on the keys state topic.
 */
export class MeteringTestEnv {
  readonly schema: string;
  readonly prefix: string;
  readonly group: string;
  readonly databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  readonly brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:29092';
  readonly env: NodeJS.ProcessEnv;
  readonly kafka: Kafka;
  readonly logLines: string[] = [];
  private producer: Producer | undefined;
  private client: Client | undefined;
  private signing: { kid: string; privateKey: KeyObject } | undefined;
  private readonly apps = new Set<MeteringTestApp>();

  constructor(label: string, overrides: NodeJS.ProcessEnv = {}) {
    const run = randomBytes(4).toString('hex');
    this.schema = `metering_${label}_${run}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
    this.prefix = `${process.env.KAFKA_TOPIC_PREFIX ?? 'test.'}metering-${label}-${run}.`;
    this.group = `${this.prefix}metering`;
    this.env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: this.databaseUrl,
      DATABASE_SCHEMA: this.schema,
      KAFKA_BROKERS: this.brokers,
      KAFKA_TOPIC_PREFIX: this.prefix,
      ADMIN_BOOTSTRAP_TOKEN: BOOTSTRAP_TOKEN,
      TOKEN_ISSUER,
      METERING_CONSUMER_GROUP: this.group,
      METERING_CONSUMER_SESSION_TIMEOUT_MS: '10000',
      METERING_QUOTA_TICK_MS: '0',
      METERING_MAINTENANCE_INTERVAL_MS: '0',
      ...overrides,
    };
    this.kafka = createKafka({ clientId: `metering-test-${run}`, brokers: this.brokers.split(','), logger: createLogger({ service: 'metering-test', level: 'error' }) });
  }

  config(overrides: NodeJS.ProcessEnv = {}): MeteringConfig {
    return loadConfig({ ...baseConfigSchema, PORT: port(0), ...meteringConfigSchema }, { ...this.env, ...overrides }) as MeteringConfig;
  }

  async start(options: { clock?: Clock; env?: NodeJS.ProcessEnv } = {}): Promise<MeteringTestApp> {
    const lines = this.logLines;
    const echo = process.env.METERING_TEST_LOGS === '1';
    const logger = createLogger({
      service: 'metering',
      level: 'info',
      destination: {
        write: (line: string) => {
          lines.push(line);
          if (echo) process.stderr.write(line);
        },
      },
    });
    const app = await createServiceApp({
      module: AppModule.forRoot({ config: this.config(options.env), logger, ...(options.clock ? { clock: options.clock } : {}) }),
      logger,
      title: 'metering',
      description: 'metering under test',
    });
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as { port: number };
    const started = new MeteringTestApp(app, `http://127.0.0.1:${address.port}`, () => this.apps.delete(started));
    this.apps.add(started);
    return started;
  }

  topic(spec: { name: string }): string {
    return topicName(this.prefix, spec);
  }

  async prepareTopics(): Promise<void> {
    await ensureTopics(this.kafka, this.prefix);
  }

  /** The usage message the gateway would produce for `record` (typed by the factory, so not re-validated here). */
  encode(record: UsageRecord): Message {
    const envelope = newEnvelope(UsageRecordedV1.type, record, { source: '/gatehouse/gateway', tenant: record.tenantId, subject: record.recordId });
    return { key: record.recordId, value: JSON.stringify(envelope) };
  }

  /** The batch event the gateway would produce for `records` (all of one tenant; not re-validated here). */
  encodeBatch(records: readonly UsageRecord[], batchId = randomUUID()): Message {
    const envelope = newEnvelope(UsageBatchRecordedV1.type, { batchId, tenantId: records[0]!.tenantId, records }, { source: '/gatehouse/gateway', tenant: records[0]!.tenantId, subject: batchId });
    return { key: batchId, value: JSON.stringify(envelope) };
  }

  /** Produces prepared messages to the usage topic in large batches, a few requests in flight. */
  async produceUsage(messages: readonly Message[], chunk = 4_000, inFlight = 4): Promise<void> {
    const producer = await this.connectedProducer();
    const chunks: Message[][] = [];
    for (let start = 0; start < messages.length; start += chunk) chunks.push(messages.slice(start, start + chunk));
    for (let start = 0; start < chunks.length; start += inFlight) {
      await Promise.all(chunks.slice(start, start + inFlight).map((part) => producer.send({ topic: this.topic(Topics.usage), messages: part, acks: 1 })));
    }
  }

  /** Publishes state (or a tombstone) the way catalog and identity do. */
  async publishState<D extends EventDefinition>(definition: D, data: EventData<D>): Promise<void> {
    const encoded = encodeEvent(definition, data, { source: '/gatehouse/test' });
    const producer = await this.connectedProducer();
    await producer.send({ topic: this.topic(definition.topic), messages: [{ key: encoded.key, value: encoded.value }], acks: -1 });
  }

  async sql<T = Record<string, unknown>>(text: string, parameters: unknown[] = []): Promise<T[]> {
    if (!this.client) {
      this.client = new Client({ connectionString: this.databaseUrl });
      await this.client.connect();
    }
    return (await this.client.query(text.replaceAll('$schema', `"${this.schema}"`), parameters)).rows as T[];
  }

  /** Waits until the ingest group committed every usage message produced so far. */
  async waitForIngest(timeoutMs = 60_000): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const topic = this.topic(Topics.usage);
      const ends = new Map((await admin.fetchTopicOffsets(topic)).map((entry) => [entry.partition, Number(entry.high)]));
      await eventually(
        async () => {
          const [committed] = await admin.fetchOffsets({ groupId: this.group, topics: [topic] });
          return committed!.partitions.every((entry) => Number(entry.offset) >= (ends.get(entry.partition) ?? 0) || (ends.get(entry.partition) ?? 0) === 0);
        },
        'the ingest to commit every usage message',
        timeoutMs,
        100,
      );
    } finally {
      await admin.disconnect();
    }
  }

  /** A member access token for the admin API, signed by a key this env published on the keys state topic. */
  async memberToken(tenant: string, teams: Array<{ id: string; role: 'viewer' | 'developer' | 'admin' | 'owner' }>): Promise<string> {
    const signing = await this.signingKey();
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ tenant, client_id: 'console', teams, scope: 'admin' })
      .setProtectedHeader({ alg: 'ES256', kid: signing.kid, typ: 'at+jwt' })
      .setIssuer(TOKEN_ISSUER)
      .setSubject(`member@${tenant}`)
      .setAudience('urn:gatehouse:admin')
      .setJti(randomUUID())
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(signing.privateKey);
  }

  async cleanup(): Promise<void> {
    for (const app of [...this.apps]) await app.close().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    await this.client?.end().catch(() => undefined);
    await dropSchema(this.databaseUrl, this.schema).catch(() => undefined);
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const mine = (await admin.listTopics()).filter((name) => name.startsWith(this.prefix));
      if (mine.length > 0) await admin.deleteTopics({ topics: mine });
    } catch {
      // Topics of a shared broker; the run's teardown removes what is left.
    } finally {
      await admin.disconnect();
    }
  }

  private async connectedProducer(): Promise<Producer> {
    if (!this.producer) {
      this.producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
      await this.producer.connect();
    }
    return this.producer;
  }

  private async signingKey(): Promise<{ kid: string; privateKey: KeyObject }> {
    if (this.signing) return this.signing;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const kid = `test-signing-${randomBytes(4).toString('hex')}`;
    const now = new Date();
    await this.publishState(KeyStateV1, {
      kid,
      keySetId: 'platform-access-token-signing',
      purpose: 'access-token-signing',
      tenantId: null,
      alg: 'ES256',
      state: 'active',
      publicJwk: { ...(publicKey.export({ format: 'jwk' }) as object), kid, alg: 'ES256', use: 'sig' } as PublicJwk,
      privateKey: null,
      activatesAt: new Date(now.getTime() - 60_000).toISOString(),
      retiresAt: null,
      verifiableUntil: null,
      createdAt: new Date(now.getTime() - 120_000).toISOString(),
    });
    this.signing = { kid, privateKey };
    return this.signing;
  }
}

import type { INestApplication } from '@nestjs/common';
import { type TeamRole } from '@gatehouse/auth';
import { baseConfigSchema, loadConfig } from '@gatehouse/config';
import { ApplicationStateV1, type EncodedEvent, encodeEvent, type EventData, type EventDefinition, KeyStateV1, TeamChangedV1, Topics } from '@gatehouse/contracts';
import { isolatedTestEnv } from '@gatehouse/devstack';
import { createKafka, ensureTopics, OutboxRelay, topicName } from '@gatehouse/messaging';
import { createLogger } from '@gatehouse/observability';
import { dropSchema } from '@gatehouse/persistence';
import { createServiceApp, METRICS } from '@gatehouse/platform';
import { TopicCollector } from '@gatehouse/testing';
import { SignJWT } from 'jose';
import type { Kafka, Producer } from 'kafkajs';
import type { Registry } from 'prom-client';
import { generateKeyPairSync, type KeyObject, randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { CatalogAppModule, type CatalogConfig } from '../app.module';
import { catalogConfigSchema } from '../catalog.config';
import { CATALOG_JSON_BODY_LIMIT } from '../common/body-limit';
import { Clock } from '../common/clock';

export const ISSUER = 'https://identity.gatehouse.test';

/** Every topic the catalog publishes on. */
const catalogTopics = [Topics.catalogEvents, Topics.apiState, Topics.routeState, Topics.planState, Topics.subscriptionState, Topics.aiState];

/** Real time shifted by an offset the test controls. */
export class MovableClock extends Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export interface HttpResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface MemberSpec {
  tenant: string;
  teams?: Record<string, TeamRole>;
  subject?: string;
}

export async function eventually<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * The catalog booted in-process on port 0 with its own Postgres schema and topic prefix,
 * a signing key published on the key-state topic for member tokens, and a collector
 * reading every catalog topic.
 */
export class CatalogHarness {
  readonly clock = new MovableClock();
  readonly bootstrapToken = randomBytes(24).toString('base64url');
  readonly kid = `catalog-test-${randomUUID()}`;
  readonly env: ReturnType<typeof isolatedTestEnv>;
  readonly kafka: Kafka;
  collector!: TopicCollector;
  app!: INestApplication;
  baseUrl = '';
  dataSource!: DataSource;
  private producer!: Producer;
  private readonly signingKey: { privateKey: KeyObject; publicKey: KeyObject };

  private constructor(label: string) {
    this.env = isolatedTestEnv(label);
    this.kafka = createKafka({ clientId: `catalog-test-${label}`, brokers: this.env.kafkaBrokers.split(','), logger: createLogger({ service: 'catalog-test', level: 'error' }) });
    this.signingKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  }

  static async start(label: string, env: Record<string, string> = {}): Promise<CatalogHarness> {
    const harness = new CatalogHarness(label);
    await harness.boot(env);
    return harness;
  }

  get prefix(): string {
    return this.env.topicPrefix;
  }

  private async boot(extraEnv: Record<string, string>): Promise<void> {
    await ensureTopics(this.kafka, this.prefix);
    this.producer = this.kafka.producer({ allowAutoTopicCreation: false });
    await this.producer.connect();
    const now = new Date();
    await this.publish(KeyStateV1, {
      kid: this.kid,
      keySetId: 'ks-admin',
      purpose: 'access-token-signing',
      tenantId: null,
      alg: 'ES256',
      state: 'active',
      publicJwk: { ...(this.signingKey.publicKey.export({ format: 'jwk' }) as { kty: 'EC'; crv: string; x: string; y: string }), kid: this.kid, alg: 'ES256', use: 'sig' },
      privateKey: null,
      activatesAt: new Date(now.getTime() - 60_000).toISOString(),
      retiresAt: null,
      verifiableUntil: null,
      createdAt: new Date(now.getTime() - 60_000).toISOString(),
    });
    const config = loadConfig({ ...baseConfigSchema, ...catalogConfigSchema }, {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      DATABASE_URL: this.env.databaseUrl,
      KAFKA_BROKERS: this.env.kafkaBrokers,
      KAFKA_TOPIC_PREFIX: this.prefix,
      DATABASE_SCHEMA: this.env.schema,
      TOKEN_ISSUER: ISSUER,
      ADMIN_BOOTSTRAP_TOKEN: this.bootstrapToken,
      ...extraEnv,
    }) as CatalogConfig;
    const logger = createLogger({ service: 'catalog', level: config.LOG_LEVEL });
    this.app = await createServiceApp({
      module: CatalogAppModule.forRoot(config, { logger, clock: this.clock }),
      logger,
      title: 'catalog',
      description: 'catalog under test',
      bodyLimit: CATALOG_JSON_BODY_LIMIT,
    });
    await this.app.listen(0, '127.0.0.1');
    const address = this.app.getHttpServer().address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${address.port}`;
    this.dataSource = this.app.get(DataSource);
    this.collector = new TopicCollector(this.kafka, catalogTopics, { prefix: this.prefix });
    await this.collector.start();
  }

  /** Publishes an event as its owner would; returns what was sent so a test can send it again. */
  async publish<D extends EventDefinition>(definition: D, data: EventData<D>): Promise<EncodedEvent> {
    const event = encodeEvent(definition, data, { source: '/gatehouse/test' });
    await this.send(definition, event);
    return event;
  }

  async send(definition: EventDefinition, event: EncodedEvent): Promise<void> {
    await this.producer.send({ topic: topicName(this.prefix, definition.topic), messages: [{ key: event.key, value: event.value }] });
  }

  async tombstone(definition: EventDefinition, key: string): Promise<void> {
    await this.producer.send({ topic: topicName(this.prefix, definition.topic), messages: [{ key, value: null }] });
  }

  /** Announces a team as identity would, and waits until the catalog has it. */
  async team(tenantId: string, teamId = `team-${randomUUID()}`): Promise<string> {
    await this.publish(TeamChangedV1, { teamId, tenantId, name: teamId, status: 'active', at: new Date().toISOString() });
    await eventually(async () => (await this.rows('select 1 from teams where id = $1', [teamId])).length > 0, `team ${teamId}`);
    return teamId;
  }

  /** Announces an application as identity would, and waits until the catalog has that state. */
  async application(tenantId: string, teamId: string, options: { id?: string; status?: 'active' | 'suspended' | 'deleted'; at?: Date } = {}): Promise<string> {
    const applicationId = options.id ?? `app-${randomUUID()}`;
    const status = options.status ?? 'active';
    await this.publish(ApplicationStateV1, {
      applicationId,
      tenantId,
      teamId,
      name: applicationId,
      status,
      requireEncryptedTokens: false,
      allowedScopes: [],
      updatedAt: (options.at ?? new Date()).toISOString(),
    });
    await eventually(async () => (await this.rows('select 1 from applications where id = $1 and status = $2', [applicationId, status])).length > 0, `application ${applicationId} ${status}`);
    return applicationId;
  }

  /** A member access token for the admin audience. */
  token(member: MemberSpec): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      tenant: member.tenant,
      client_id: 'gatehouse-console',
      scope: 'admin',
      teams: Object.entries(member.teams ?? {}).map(([id, role]) => ({ id, role })),
    })
      .setProtectedHeader({ alg: 'ES256', kid: this.kid, typ: 'at+jwt' })
      .setIssuer(ISSUER)
      .setSubject(member.subject ?? `member-${randomUUID()}`)
      .setAudience('urn:gatehouse:admin')
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .setJti(randomUUID())
      .sign(this.signingKey.privateKey);
  }

  async call<T = any>(method: string, path: string, options: { token?: string | null; json?: unknown; text?: string; contentType?: string } = {}): Promise<HttpResult<T>> {
    const headers: Record<string, string> = {};
    const token = options.token === undefined ? this.bootstrapToken : options.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.text !== undefined) {
      headers['content-type'] = options.contentType ?? 'application/yaml';
      body = options.text;
    }
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const raw = await response.text();
    let parsed: unknown = raw;
    try {
      parsed = raw ? JSON.parse(raw) : null;
    } catch {
      parsed = raw;
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  rows(sql: string, parameters: unknown[] = []): Promise<Array<Record<string, unknown>>> {
    return this.dataSource.query(sql.replace(/\b(from|join|into|update)\s+(teams|applications|apis|api_versions|routes|plans|subscriptions|outbox|processed_events|ai_providers|ai_models|ai_policies)\b/gi, `$1 "${this.env.schema}"."$2"`), parameters);
  }

  /**
   * What a refused request must leave alone: row counts of every catalog table, version states,
   * subscription statuses, hashes of the versions (state, document, updated_at) and of the plans,
   * and the outbox rows ever committed (published by the relay, which is flushed first, or not yet).
   */
  async snapshot(): Promise<Record<string, number | string>> {
    const counts: Record<string, number | string> = {};
    for (const table of ['apis', 'api_versions', 'routes', 'plans', 'subscriptions']) {
      counts[table] = Number((await this.rows(`select count(*)::int as n from ${table}`))[0]!.n);
    }
    const states = await this.rows(`select string_agg(state || ':' || version, ',' order by id) as v from api_versions`);
    const statuses = await this.rows(`select string_agg(status, ',' order by id) as s from subscriptions`);
    const versions = await this.rows(`select md5(coalesce(string_agg(id || ':' || state || ':' || updated_at::text || ':' || coalesce(openapi::text, ''), '|' order by id), '')) as h from api_versions`);
    const plans = await this.rows(`select md5(coalesce(string_agg(to_jsonb(p)::text, '|' order by p.id), '')) as h from plans p`);
    return {
      ...counts,
      versionStates: String(states[0]!.v ?? ''),
      subscriptionStatuses: String(statuses[0]!.s ?? ''),
      versionsHash: String(versions[0]!.h),
      plansHash: String(plans[0]!.h),
      outboxRows: await this.outboxRows(),
    };
  }

  /** Outbox rows committed so far: those the relay published on catalog topics plus those still waiting. */
  private async outboxRows(): Promise<number> {
    const relay = this.app.get(OutboxRelay);
    await relay.flush();
    const topics = new Set(catalogTopics.map((topic) => topicName(this.prefix, topic)));
    const published = await this.app.get<Registry>(METRICS).getSingleMetric('gatehouse_messaging_published_total')!.get();
    const relayed = published.values.filter((value) => topics.has(String(value.labels.topic))).reduce((sum, value) => sum + value.value, 0);
    return relayed + (await relay.backlog());
  }

  async close(): Promise<void> {
    await this.collector?.stop().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    await this.app?.close();
    await dropSchema(this.env.databaseUrl, this.env.schema).catch(() => undefined);
  }
}


import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { type TransportSecret, transportSecretFromEnv, unwrapPrivateKey } from '@gatehouse/auth';
import { baseConfigSchema, loadConfig, port } from '@gatehouse/config';
import { type Envelope, type EventData, KeyStateV1, KeyTransitionedV1, KeyRevokedV1 } from '@gatehouse/contracts';
import { createKafka, topicName } from '@gatehouse/messaging';
import { createLogger } from '@gatehouse/observability';
import { dropSchema } from '@gatehouse/persistence';
import { createServiceApp } from '@gatehouse/platform';
import { type CollectedMessage, TopicCollector } from '@gatehouse/testing';
import { type KeyVault, LocalMasterKeyVault, parseMasterKeys } from '@gatehouse/vault';
import type { JWK } from 'jose';
import type { Kafka } from 'kafkajs';
import { Client } from 'pg';
import { AppModule } from '../src/app.module';
import type { Clock } from '../src/clock/clock';
import { type KeysConfig, keysConfigSchema } from '../src/keys.config';
import type { KeyGenerator } from '../src/lifecycle/key-generator';
import { keyWrapContext } from '../src/lifecycle/key-material.service';
import { RotationScheduler } from '../src/lifecycle/rotation.scheduler';

export const BOOTSTRAP_TOKEN = `bootstrap-${randomBytes(16).toString('hex')}`;
export const TOKEN_ISSUER = 'http://issuer.test';

const secret = (id: string) => `${id}:${randomBytes(32).toString('base64url')}`;

/**
 * Isolation for one integration spec file: its own Postgres schema and topic prefix, shared
 * transport secrets, every log line and every keys-topic record captured.
 */
export class KeysTestEnv {
  readonly schema: string;
  readonly prefix: string;
  readonly databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  readonly brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:29092';
  readonly logLines: string[] = [];
  readonly responses: string[] = [];
  readonly env: NodeJS.ProcessEnv;
  readonly identitySecret: TransportSecret;
  readonly gatewaySecret: TransportSecret;
  readonly kafka: Kafka;
  private collector: TopicCollector | undefined;
  private readonly apps = new Set<KeysTestApp>();

  constructor(label: string, overrides: NodeJS.ProcessEnv = {}) {
    const run = randomBytes(4).toString('hex');
    this.schema = `keys_${label}_${run}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
    this.prefix = `${process.env.KAFKA_TOPIC_PREFIX ?? 'test.'}keys-${label}-${run}.`;
    const identity = secret('identity-test');
    const gateway = secret('gateway-test');
    this.identitySecret = transportSecretFromEnv(identity);
    this.gatewaySecret = transportSecretFromEnv(gateway);
    this.env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'debug',
      DATABASE_URL: this.databaseUrl,
      DATABASE_SCHEMA: this.schema,
      KAFKA_BROKERS: this.brokers,
      KAFKA_TOPIC_PREFIX: this.prefix,
      KEYS_MASTER_KEY: `mk1:${randomBytes(32).toString('base64url')}`,
      KEY_TRANSPORT_SECRET_IDENTITY: identity,
      KEY_TRANSPORT_SECRET_GATEWAY: gateway,
      ADMIN_BOOTSTRAP_TOKEN: BOOTSTRAP_TOKEN,
      TOKEN_ISSUER,
      JWKS_CACHE_SECONDS: '300',
      MAX_TOKEN_LIFETIME_SECONDS: '900',
      CLOCK_SKEW_SECONDS: '30',
      KEYS_DEFAULT_ROTATION_SECONDS: '3600',
      KEYS_DESTROY_AFTER_SECONDS: '7200',
      KEYS_SCHEDULER_INTERVAL_MS: '0',
      ...overrides,
    };
    this.kafka = createKafka({ clientId: `keys-test-${run}`, brokers: this.brokers.split(','), logger: createLogger({ service: 'keys-test', level: 'error' }) });
  }

  config(overrides: NodeJS.ProcessEnv = {}): KeysConfig {
    return loadConfig({ ...baseConfigSchema, PORT: port(0), ...keysConfigSchema }, { ...this.env, ...overrides }) as KeysConfig;
  }

  async start(options: { clock: Clock; env?: NodeJS.ProcessEnv; keyGenerator?: KeyGenerator; vault?: KeyVault } = {} as never): Promise<KeysTestApp> {
    const lines = this.logLines;
    const logger = createLogger({ service: 'keys', level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
    const app = await createServiceApp({
      module: AppModule.forRoot({
        config: this.config(options.env),
        logger,
        clock: options.clock,
        ...(options.keyGenerator ? { keyGenerator: options.keyGenerator } : {}),
        ...(options.vault ? { vault: options.vault } : {}),
      }),
      logger,
      title: 'keys',
      description: 'keys under test',
    });
    try {
      await app.listen(0, '127.0.0.1');
    } catch (error) {
      await app.close().catch(() => undefined);
      throw error;
    }
    const address = app.getHttpServer().address() as { port: number };
    const started = new KeysTestApp(app, `http://127.0.0.1:${address.port}`, this.responses, () => this.apps.delete(started));
    this.apps.add(started);
    if (!this.collector) {
      this.collector = new TopicCollector(this.kafka, [topicName(this.prefix, KeyStateV1.topic), topicName(this.prefix, KeyTransitionedV1.topic)]);
      await this.collector.start();
    }
    return started;
  }

  /** Every record seen on the keys topics so far. */
  get records(): CollectedMessage[] {
    return this.collector?.messages ?? [];
  }

  /** Decoded KeyStateV1 records and tombstones, in topic order. */
  states(): Array<{ kid: string; data: EventData<typeof KeyStateV1> | null }> {
    return this.records
      .filter((record) => record.topic === topicName(this.prefix, KeyStateV1.topic))
      .map((record) => ({ kid: record.key ?? '', data: record.value === null ? null : (JSON.parse(record.value) as Envelope<EventData<typeof KeyStateV1>>).data }));
  }

  /** The latest state record of a kid (null for a tombstone, undefined when none yet). */
  latestState(kid: string) {
    return this.states().filter((entry) => entry.kid === kid).at(-1)?.data;
  }

  transitions(): Array<EventData<typeof KeyTransitionedV1>> {
    return this.events(KeyTransitionedV1.type) as Array<EventData<typeof KeyTransitionedV1>>;
  }

  revocations(): Array<EventData<typeof KeyRevokedV1>> {
    return this.events(KeyRevokedV1.type) as Array<EventData<typeof KeyRevokedV1>>;
  }

  private events(type: string): unknown[] {
    return this.records
      .filter((record) => record.topic === topicName(this.prefix, KeyTransitionedV1.topic) && record.value !== null)
      .map((record) => JSON.parse(record.value!) as Envelope)
      .filter((envelope) => envelope.type === type)
      .map((envelope) => envelope.data);
  }

  /** The private JWK of a key, as identity (signing) or the gateway (encryption) would obtain it from the state topic. */
  async privateJwkFromTopic(kid: string): Promise<JWK> {
    const state = this.latestState(kid);
    if (!state?.privateKey) throw new Error(`no wrapped private key for ${kid} on the state topic`);
    const secret = state.privateKey.recipient === 'identity' ? this.identitySecret : this.gatewaySecret;
    return unwrapPrivateKey(state.privateKey, secret, state.privateKey.recipient);
  }

  /**
   * Scans every log line, keys-topic record, HTTP response and `audit_log` row (read from the
   * table) for private key material: the actual private values of every key this run made
   * (from the state topic's wrapped records and the stored rows), private JWK members, PEM
   * private keys, and the given secrets. Resolves with a description of each finding.
   */
  async leakScan(secrets: readonly string[] = []): Promise<string[]> {
    const audit = await this.sql<Record<string, unknown>>('select * from audit_log order by id');
    const texts = [...this.logLines, ...this.responses, ...this.records.map((record) => record.value ?? ''), ...audit.map((row) => JSON.stringify(row))];
    return findLeaks(texts, [...secrets, ...(await this.privateKeyValues())]);
  }

  /** Every encoding of every private member of every key seen on the state topic or stored with the base master key. */
  async privateKeyValues(): Promise<string[]> {
    const jwks: JWK[] = [];
    for (const { data } of this.states()) {
      if (!data?.privateKey) continue;
      const secret = data.privateKey.recipient === 'identity' ? this.identitySecret : this.gatewaySecret;
      jwks.push(...(await unwrapPrivateKey(data.privateKey, secret, data.privateKey.recipient).then((jwk) => [jwk], () => [])));
    }
    const vault = new LocalMasterKeyVault(parseMasterKeys(this.env.KEYS_MASTER_KEY!, 'KEYS_MASTER_KEY'));
    const rows = await this.sql<{ kid: string; key_set_id: string; master_key_id: string; wrapped_private_key: Buffer }>(
      'select kid, key_set_id, master_key_id, wrapped_private_key from keys where wrapped_private_key is not null',
    );
    for (const row of rows.filter((entry) => vault.canUnwrap(entry.master_key_id))) {
      const plaintext = await vault.unwrap({ keyId: row.master_key_id, data: row.wrapped_private_key }, keyWrapContext(row.kid, row.key_set_id));
      jwks.push(JSON.parse(plaintext.toString('utf8')) as JWK);
    }
    const values = jwks.flatMap((jwk) => privateMemberNames.map((name) => jwk[name]).filter((value): value is string => typeof value === 'string'));
    return [...new Set(values)].flatMap((value) => {
      const raw = Buffer.from(value, 'base64url');
      return [value, raw.toString('base64'), raw.toString('hex')];
    });
  }

  /** A separate connection to the service's schema, for assertions on stored rows. */
  async sql<T = { [column: string]: unknown }>(text: string, values: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      await client.query(`set search_path to "${this.schema}"`);
      return (await client.query(text, values)).rows as T[];
    } finally {
      await client.end();
    }
  }

  async cleanup(): Promise<void> {
    await Promise.allSettled([...this.apps].map((app) => app.close()));
    await this.collector?.stop().catch(() => undefined);
    await dropSchema(this.databaseUrl, this.schema).catch(() => undefined);
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(this.prefix));
      if (topics.length) await admin.deleteTopics({ topics });
    } finally {
      await admin.disconnect();
    }
  }
}

export interface HttpResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** One running keys service. */
export class KeysTestApp {
  constructor(
    readonly app: INestApplication,
    readonly url: string,
    private readonly responses: string[],
    private readonly onClose: () => void,
  ) {}

  /** Runs a scheduler tick now and waits for it. */
  tick() {
    return this.app.get(RotationScheduler).runOnce();
  }

  async http<T = any>(method: string, path: string, options: { body?: unknown; token?: string | null; headers?: Record<string, string> } = {}): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? BOOTSTRAP_TOKEN : options.token;
    if (token) headers.authorization = `Bearer ${token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.url}${path}`, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
    const text = await response.text();
    this.responses.push(text);
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON
    }
    return { status: response.status, headers: response.headers, body: body as T, text };
  }

  async close(): Promise<void> {
    this.onClose();
    await this.app.close();
  }
}

const privateMemberNames = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'] as const;

/** Members that only private JWKs carry. */
const privateMembers = new RegExp(`"(${privateMemberNames.join('|')})"\\s*:`);
const pemPrivateKey = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/**
 * Fails when any text holds a private JWK member, a PEM private key, or one of `needles`
 * (secrets, private key values) in clear. Describes each finding without repeating it.
 */
export function findLeaks(texts: readonly string[], needles: readonly string[]): string[] {
  const findings: string[] = [];
  texts.forEach((text, index) => {
    if (privateMembers.test(text)) findings.push(`text #${index}: a private JWK member`);
    if (pemPrivateKey.test(text)) findings.push(`text #${index}: a PEM private key`);
    if (needles.some((value) => value.length > 0 && text.includes(value))) findings.push(`text #${index}: a secret or private key value`);
  });
  return findings;
}

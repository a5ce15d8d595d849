import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { type KeyState, type TransportSecret, wrapPrivateKey } from '@gatehouse/auth';
import { baseConfigSchema, loadConfig, port } from '@gatehouse/config';
import { ApiStateV1, type EventData, type EventDefinition, KeyStateV1, type PublicJwk, SubscriptionStateV1 } from '@gatehouse/contracts';
import { deleteTopicsWithPrefix, isolatedTestEnv } from '@gatehouse/devstack';
import { createKafka, EventProducer, topicName } from '@gatehouse/messaging';
import { createLogger } from '@gatehouse/observability';
import { dropSchema } from '@gatehouse/persistence';
import { createServiceApp } from '@gatehouse/platform';
import { TopicCollector } from '@gatehouse/testing';
import type { JWK } from 'jose';
import { AppModule } from '../src/app.module';
import type { Clock } from '../src/common/clock';
import { type IdentityConfig, identityConfigSchema } from '../src/config/identity-config';

export interface TestKey {
  kid: string;
  alg: KeyState['alg'];
  publicJwk: PublicJwk;
  privateJwk: JWK;
}

/** A key pair as the keys service would make it (tests only: identity never makes keys). */
export function makeKey(alg: KeyState['alg'], kid = `k-${alg.toLowerCase()}-${randomBytes(3).toString('hex')}`): TestKey {
  const pair =
    alg === 'ES256' || alg === 'ECDH-ES+A256KW'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : alg === 'EdDSA'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const use = alg === 'ECDH-ES+A256KW' || alg === 'RSA-OAEP-256' ? 'enc' : 'sig';
  const publicJwk = { ...(pair.publicKey.export({ format: 'jwk' }) as object), kid, alg, use } as PublicJwk;
  return { kid, alg, publicJwk, privateJwk: pair.privateKey.export({ format: 'jwk' }) as JWK };
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port: value } = server.address() as { port: number };
      server.close(() => resolve(value));
    });
  });

export interface HarnessOptions {
  env?: Record<string, string>;
  clock?: Clock;
}

export interface IdentityHarness {
  readonly app: INestApplication;
  readonly baseUrl: string;
  readonly config: IdentityConfig;
  readonly adminToken: string;
  readonly adminEmail: string;
  readonly adminPassword: string;
  readonly identitySecret: TransportSecret;
  readonly gatewaySecret: TransportSecret;
  readonly producer: EventProducer;
  /** Starts collecting every record of the topics of `definitions` (from the beginning). */
  collect(definitions: EventDefinition[]): Promise<TopicCollector>;
  publish<D extends EventDefinition>(definition: D, data: EventData<D>): Promise<void>;
  /** Publishes a KeyStateV1 record as the keys service would (private part wrapped for its recipient). */
  publishKey(key: TestKey, overrides?: Partial<KeyState>): Promise<KeyState>;
  publishApi(api: Partial<EventData<typeof ApiStateV1>> & { apiId: string; audience: string; tenantId: string; teamId: string }): Promise<void>;
  publishSubscription(subscription: Partial<EventData<typeof SubscriptionStateV1>> & { applicationId: string; apiId: string; audience: string; tenantId: string }): Promise<void>;
  /** Admin API call with the bootstrap token (or `token`). */
  admin(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }>;
  waitReady(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function pollUntil<T>(probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Boots identity in-process on a free port with its own schema and topic prefix. */
export async function startIdentity(label: string, options: HarnessOptions = {}): Promise<IdentityHarness> {
  const isolated = isolatedTestEnv(label);
  const listenPort = await freePort();
  const baseUrl = `http://127.0.0.1:${listenPort}`;
  const identitySecret: TransportSecret = { id: 'identity-test', key: new Uint8Array(randomBytes(32)) };
  const gatewaySecret: TransportSecret = { id: 'gateway-test', key: new Uint8Array(randomBytes(32)) };
  const adminToken = randomBytes(24).toString('base64url');
  const adminEmail = `admin-${randomBytes(4).toString('hex')}@gatehouse.test`;
  const adminPassword = randomBytes(12).toString('base64url');
  const env = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    DATABASE_URL: isolated.databaseUrl,
    KAFKA_BROKERS: isolated.kafkaBrokers,
    KAFKA_TOPIC_PREFIX: isolated.topicPrefix,
    DATABASE_SCHEMA: isolated.schema,
    PORT: String(listenPort),
    TOKEN_ISSUER: baseUrl,
    KEY_TRANSPORT_SECRET: `${identitySecret.id}:${Buffer.from(identitySecret.key).toString('base64url')}`,
    IDENTITY_SECRET_PEPPER: randomBytes(32).toString('base64url'),
    ADMIN_BOOTSTRAP_TOKEN: adminToken,
    BOOTSTRAP_TENANT: 'acme',
    BOOTSTRAP_ADMIN_EMAIL: adminEmail,
    BOOTSTRAP_ADMIN_PASSWORD: adminPassword,
    PASSWORD_SCRYPT_LOG2N: '12',
    ...options.env,
  };
  const config = loadConfig({ ...baseConfigSchema, PORT: port(8081), ...identityConfigSchema }, env) as IdentityConfig;
  const logger = createLogger({ service: 'identity', level: config.LOG_LEVEL });
  const app = await createServiceApp({
    module: AppModule.forRoot({ config, logger, ...(options.clock ? { clock: options.clock } : {}) }),
    logger,
    title: 'identity',
    description: 'identity under test',
  });
  await app.listen(listenPort, '127.0.0.1');
  const kafka = createKafka({ clientId: `test-${label}`, brokers: config.KAFKA_BROKERS, logger });
  const collectors: TopicCollector[] = [];
  const producer = new EventProducer(kafka, { prefix: config.KAFKA_TOPIC_PREFIX, source: '/test/keys' });
  await producer.connect();

  const now = () => new Date().toISOString();
  const harness: IdentityHarness = {
    app,
    baseUrl,
    config,
    adminToken,
    adminEmail,
    adminPassword,
    identitySecret,
    gatewaySecret,
    producer,
    async collect(definitions) {
      const collector = new TopicCollector(kafka, [...new Set(definitions.map((definition) => topicName(config.KAFKA_TOPIC_PREFIX, definition.topic)))]);
      await collector.start();
      collectors.push(collector);
      return collector;
    },
    async publish(definition, data) {
      await producer.publish(definition, data);
    },
    async publishKey(key, overrides = {}) {
      const signing = key.publicJwk.use === 'sig';
      const state: KeyState = {
        kid: key.kid,
        keySetId: signing ? 'ks-platform-signing' : 'ks-platform-encryption',
        purpose: signing ? 'access-token-signing' : 'access-token-encryption',
        tenantId: null,
        alg: key.alg,
        state: 'active',
        publicJwk: key.publicJwk,
        privateKey: await wrapPrivateKey(key.privateJwk, signing ? 'identity' : 'gateway', signing ? identitySecret : gatewaySecret),
        activatesAt: new Date(Date.now() - 60_000).toISOString(),
        retiresAt: null,
        verifiableUntil: null,
        createdAt: new Date(Date.now() - 120_000).toISOString(),
        ...overrides,
      };
      await producer.publish(KeyStateV1, state);
      return state;
    },
    async publishApi(api) {
      await producer.publish(ApiStateV1, { name: `api ${api.apiId}`, visibility: 'tenant', requireEncryptedTokens: false, scopes: [], updatedAt: now(), ...api });
    },
    async publishSubscription(subscription) {
      await producer.publish(SubscriptionStateV1, {
        subscriptionId: `sub-${subscription.applicationId}-${subscription.apiId}`,
        applicationTenantId: subscription.tenantId,
        planId: 'plan-basic',
        status: 'approved',
        scopes: [],
        updatedAt: now(),
        ...subscription,
      });
    },
    async admin(method, path, body, token = adminToken) {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
    async waitReady(timeoutMs = 20_000) {
      await pollUntil(async () => (await fetch(`${baseUrl}/health/ready`)).ok, 'identity readiness', timeoutMs);
    },
    async close() {
      await Promise.allSettled(collectors.map((collector) => collector.stop()));
      await producer.disconnect().catch(() => undefined);
      await app.close();
      await dropSchema(isolated.databaseUrl, isolated.schema).catch(() => undefined);
      await deleteTopicsWithPrefix(isolated.kafkaBrokers, isolated.topicPrefix).catch(() => undefined);
    },
  };
  return harness;
}

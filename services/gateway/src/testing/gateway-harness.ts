import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { baseConfigSchema, loadConfig, port } from '@gatehouse/config';
import { type EventData, type EventDefinition, KeyStateV1 } from '@gatehouse/contracts';
import { createKafka, ensureTopics, EventProducer } from '@gatehouse/messaging';
import { createLogger } from '@gatehouse/observability';
import { eventually, type Truthy } from '@gatehouse/testing';
import { createServiceApp } from '@gatehouse/platform';
import type { Kafka } from 'kafkajs';
import { AppModule } from '../app.module';
import { GatewayRuntime } from '../control-plane/gateway-runtime';
import type { AiRouteHandler } from '../data-plane/server/ai-route';
import { type GatewayConfig, gatewayConfigSchema } from '../gateway.config';
import { keyStateOf, newKey, newTransportSecret, signAccessToken, type TestKey, type TokenClaims } from './test-keys';

export const TEST_ISSUER = 'https://identity.gatehouse.test';
export const BOOTSTRAP_TOKEN = 'test-bootstrap-admin-token-0123456789';

/** Polls `check` until it returns a truthy value or throws no more (`eventually`, gateway defaults). */
export function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<Truthy<T>> {
  return eventually(check, what, timeoutMs);
}

export interface GatewayInstance {
  readonly app: INestApplication;
  readonly runtime: GatewayRuntime;
  readonly controlUrl: string;
  readonly proxyUrl: string;
  readonly journalDir: string;
  close(): Promise<void>;
}

/**
 * One integration spec's world: a topic prefix of its own, a producer that publishes state
 * records the way keys, identity, catalog and metering do, a signing and an encryption key
 * published as KeyStateV1, and gateways booted in-process on port 0.
 */
export class GatewayHarness {
  readonly kafka: Kafka;
  readonly producer: EventProducer;
  readonly transport = newTransportSecret();
  readonly signingKey: TestKey = newKey('sig');
  readonly encryptionKey: TestKey = newKey('enc');
  private readonly gateways: GatewayInstance[] = [];

  private constructor(
    readonly prefix: string,
    readonly brokers: string,
  ) {
    this.kafka = createKafka({ clientId: 'gateway-test', brokers: brokers.split(','), logger: createLogger({ service: 'gateway-test', level: 'error' }) });
    this.producer = new EventProducer(this.kafka, { prefix, source: '/gatehouse/test' });
  }

  static async create(label: string, brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:29092'): Promise<GatewayHarness> {
    const prefix = `${process.env.KAFKA_TOPIC_PREFIX ?? 'test.'}gw-${label}-${Math.random().toString(16).slice(2, 10)}.`;
    const harness = new GatewayHarness(prefix, brokers);
    await ensureTopics(harness.kafka, prefix);
    await harness.producer.connect();
    await harness.publish(KeyStateV1, await keyStateOf(harness.signingKey, 'active'));
    await harness.publish(KeyStateV1, await keyStateOf(harness.encryptionKey, 'active', harness.transport.secret));
    return harness;
  }

  publish<D extends EventDefinition>(definition: D, data: EventData<D>): Promise<unknown> {
    return this.producer.publish(definition, data);
  }

  tombstone(definition: EventDefinition, key: string): Promise<void> {
    return this.producer.publishTombstone(definition, key);
  }

  token(claims: Partial<TokenClaims> = {}): Promise<string> {
    return signAccessToken(this.signingKey, { issuer: TEST_ISSUER, audience: 'https://api.acme.test/pets', clientId: 'app-1', tenant: 'acme', scope: 'pets:read pets:write', ...claims });
  }

  config(overrides: Record<string, string> = {}): GatewayConfig {
    return loadConfig({ ...baseConfigSchema, PORT: port(0), ...gatewayConfigSchema }, {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      KAFKA_BROKERS: this.brokers,
      KAFKA_TOPIC_PREFIX: this.prefix,
      PORT: '0',
      GATEWAY_PROXY_PORT: '0',
      GATEWAY_PROXY_HOST: '127.0.0.1',
      GATEWAY_ID: `gw-${Math.random().toString(16).slice(2, 8)}`,
      GATEWAY_JOURNAL_DIR: mkdtempSync(join(tmpdir(), 'gw-journal-')),
      TOKEN_ISSUER: TEST_ISSUER,
      KEY_TRANSPORT_SECRET: this.transport.env,
      ADMIN_BOOTSTRAP_TOKEN: BOOTSTRAP_TOKEN,
      GATEWAY_DRAIN_TIMEOUT_MS: '3000',
      ...overrides,
    }) as unknown as GatewayConfig;
  }

  /** Boots a gateway replica and waits until it reports ready. */
  async startGateway(overrides: Record<string, string> = {}, aiHandler?: AiRouteHandler): Promise<GatewayInstance> {
    const config = this.config(overrides);
    const logger = createLogger({ service: 'gateway', level: config.LOG_LEVEL });
    const app = await createServiceApp({ module: AppModule.forRoot({ config, logger, ...(aiHandler ? { aiHandler } : {}) }), logger, title: 'gateway', description: 'test' });
    await app.listen(0, '127.0.0.1');
    const runtime = app.get(GatewayRuntime);
    const controlUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    await waitFor(() => runtime.isReady, 30_000, 'gateway ready');
    let closed = false;
    const instance: GatewayInstance = {
      app,
      runtime,
      controlUrl,
      proxyUrl: `http://127.0.0.1:${runtime.port}`,
      journalDir: config.GATEWAY_JOURNAL_DIR,
      close: async () => {
        if (closed) return;
        closed = true;
        await app.close();
        rmSync(config.GATEWAY_JOURNAL_DIR, { recursive: true, force: true });
      },
    };
    this.gateways.push(instance);
    return instance;
  }

  async cleanup(): Promise<void> {
    await Promise.allSettled(this.gateways.map((gateway) => gateway.close()));
    await this.producer.disconnect().catch(() => undefined);
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(this.prefix));
      if (topics.length) await admin.deleteTopics({ topics, timeout: 10_000 });
    } finally {
      await admin.disconnect();
    }
  }
}

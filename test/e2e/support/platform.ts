import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropDatabase, ensureDatabase, freePorts, isolatedTestEnv, startPlatform, type Platform } from '@gatehouse/devstack';

export interface TestPlatform {
  readonly urls: { keys: string; identity: string; catalog: string; metering: string; gateway: string; gatewayControl: string };
  /** The platform admin credential (ADMIN_BOOTSTRAP_TOKEN) of this run. */
  readonly adminToken: string;
  readonly env: Readonly<Record<string, string>>;
  /** Every line the services printed, for diagnosis when a test fails. */
  readonly output: readonly string[];
  stop(): Promise<void>;
}

/**
 * The five services as real processes (built `dist/`), on free ports, with a database and a
 * topic prefix of this test file's own, on the run's Kafka and Postgres. Driven only through
 * HTTP and the event log, as a user would.
 */
export async function startTestPlatform(label: string, extraEnv: Record<string, string> = {}): Promise<TestPlatform> {
  const isolated = isolatedTestEnv(label);
  const databaseUrl = await ensureDatabase(isolated.databaseUrl, isolated.schema);
  const [keys, identity, catalog, metering, gatewayControl, gateway] = await freePorts(6);
  const adminToken = randomBytes(24).toString('base64url');
  const journalDir = await mkdtemp(join(tmpdir(), `gatehouse-${label}-journal-`));
  const env: Record<string, string> = {
    KAFKA_BROKERS: isolated.kafkaBrokers,
    DATABASE_URL: databaseUrl,
    KAFKA_TOPIC_PREFIX: isolated.topicPrefix,
    KEYS_PORT: String(keys),
    IDENTITY_PORT: String(identity),
    CATALOG_PORT: String(catalog),
    METERING_PORT: String(metering),
    GATEWAY_PORT: String(gatewayControl),
    GATEWAY_PROXY_PORT: String(gateway),
    TOKEN_ISSUER: `http://127.0.0.1:${identity}`,
    ADMIN_BOOTSTRAP_TOKEN: adminToken,
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    GATEHOUSE_DEV_SECRET: randomBytes(24).toString('base64url'),
    GATEWAY_JOURNAL_DIR: journalDir,
    ...extraEnv,
  };
  const output: string[] = [];
  let platform: Platform;
  try {
    platform = await startPlatform({ env: { ...process.env, ...env }, write: (line) => output.push(line), readyTimeoutMs: 150_000 });
  } catch (error) {
    await dropDatabase(isolated.databaseUrl, isolated.schema).catch(() => undefined);
    await rm(journalDir, { recursive: true, force: true });
    throw new Error(`platform did not start: ${(error as Error).message}\n${output.slice(-60).join('\n')}`);
  }
  const url = (port: number | undefined) => `http://127.0.0.1:${port}`;
  return {
    urls: { keys: url(keys), identity: url(identity), catalog: url(catalog), metering: url(metering), gateway: url(gateway), gatewayControl: url(gatewayControl) },
    adminToken,
    env,
    output,
    async stop() {
      await platform.stop(5_000);
      await dropDatabase(isolated.databaseUrl, isolated.schema).catch(() => undefined);
      await rm(journalDir, { recursive: true, force: true });
    },
  };
}

/** Polls `probe` until it returns a value other than undefined; fails with the last observation. */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000, intervalMs = 50): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return { value, ms: Date.now() - started };
    } catch (error) {
      last = error;
    }
    if (Date.now() - started > timeoutMs) throw new Error(`${what} did not happen within ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

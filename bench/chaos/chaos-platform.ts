import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDatabase, freePorts, type Platform, type RunningService, SERVICES, type ServiceSpec, spawnService, startPlatform, waitUntilReady } from '@gatehouse/devstack';
import { childrenOf, commandLine } from '../lib/proc';

export interface ChaosUrls {
  readonly keys: string;
  readonly identity: string;
  readonly catalog: string;
  readonly metering: string;
}

export interface Replica {
  readonly name: string;
  /** Data plane origin. */
  readonly url: string;
  /** Control plane origin (health, metrics). */
  readonly controlUrl: string;
}

/**
 * The five services started with devstack's `startPlatform` on free ports against the run's
 * Kafka and Postgres, plus a second gateway replica on ports and a journal of its own, each
 * of which the run can stop, kill and start again.
 */
export class ChaosPlatform {
  private readonly running = new Map<string, RunningService>();
  /** Environment a service got on top of the platform's (the second replica's ports and journal). */
  private readonly overrides = new Map<string, Record<string, string>>();

  private constructor(
    private readonly platform: Platform,
    readonly env: Record<string, string>,
    readonly adminToken: string,
    readonly urls: ChaosUrls,
    readonly replicas: readonly Replica[],
    private readonly root: string,
    private readonly write: (line: string) => void,
  ) {
    for (const service of platform.services) this.running.set(service.spec.name, service);
  }

  static async start(options: { root: string; kafkaBrokers: string; serverUrl: string; workDir: string; log: (line: string) => void }): Promise<ChaosPlatform> {
    const suffix = randomBytes(3).toString('hex');
    const databaseUrl = await ensureDatabase(options.serverUrl, `gatehouse_chaos_${suffix}`);
    const [keys, identity, catalog, metering, controlA, proxyA, controlB, proxyB] = await freePorts(8);
    const adminToken = randomBytes(24).toString('base64url');
    mkdirSync(join(options.workDir, 'journal-a'), { recursive: true });
    mkdirSync(join(options.workDir, 'journal-b'), { recursive: true });
    const env: Record<string, string> = {
      KAFKA_BROKERS: options.kafkaBrokers,
      DATABASE_URL: databaseUrl,
      KAFKA_TOPIC_PREFIX: `chaos-${suffix}.`,
      KEYS_PORT: String(keys),
      IDENTITY_PORT: String(identity),
      CATALOG_PORT: String(catalog),
      METERING_PORT: String(metering),
      GATEWAY_PORT: String(controlA),
      GATEWAY_PROXY_PORT: String(proxyA),
      GATEWAY_ID: 'gateway-a',
      GATEWAY_REPLICAS: '2',
      GATEWAY_JOURNAL_DIR: join(options.workDir, 'journal-a'),
      TOKEN_ISSUER: `http://127.0.0.1:${identity}`,
      ADMIN_BOOTSTRAP_TOKEN: adminToken,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      GATEHOUSE_DEV_SECRET: randomBytes(24).toString('base64url'),
      // Key rotations may take effect a second after they are asked for (the lead time is 2 × this).
      JWKS_CACHE_SECONDS: '1',
      KEYS_SCHEDULER_INTERVAL_MS: '250',
    };
    const logFile = createWriteStream(join(options.workDir, 'services.log'));
    const write = (line: string) => logFile.write(`${new Date().toISOString()} ${line}\n`);
    const platform = await startPlatform({ root: options.root, env: { ...process.env, ...env }, write, readyTimeoutMs: 180_000 }).catch((error: Error) => {
      throw new Error(`the platform did not start: ${error.message} (service output in ${join(options.workDir, 'services.log')})`);
    });
    const url = (port: number | undefined) => `http://127.0.0.1:${port}`;
    const chaos = new ChaosPlatform(
      platform,
      env,
      adminToken,
      { keys: url(keys), identity: url(identity), catalog: url(catalog), metering: url(metering) },
      [
        { name: 'gateway-a', url: url(proxyA), controlUrl: url(controlA) },
        { name: 'gateway-b', url: url(proxyB), controlUrl: url(controlB) },
      ],
      options.root,
      write,
    );
    const replicaB = { GATEWAY_PORT: String(controlB), GATEWAY_PROXY_PORT: String(proxyB), GATEWAY_ID: 'gateway-b', GATEWAY_JOURNAL_DIR: join(options.workDir, 'journal-b') };
    await chaos.spawn('gateway-b', gatewaySpec, replicaB).catch(async (error: unknown) => {
      await chaos.stop();
      throw error;
    });
    options.log(`platform: ${[...chaos.running.keys()].join(', ')} ready; database ${databaseUrl.replace(/\/\/[^@]*@/, '//')}`);
    return chaos;
  }

  /** The process id of a service's node process (under its guard), for /proc readings. */
  pidOf(name: string): number | undefined {
    const guard = this.running.get(name)?.process.pid;
    if (guard === undefined) return undefined;
    return childrenOf(guard).find((pid) => commandLine(pid).includes('main.js'));
  }

  /** SIGTERM (graceful: the service drains) or SIGKILL of the node process (a crash). */
  async stopService(name: string, how: 'graceful' | 'kill'): Promise<void> {
    const service = this.running.get(name);
    if (!service) throw new Error(`no service ${name}`);
    if (how === 'graceful') {
      await service.process.stop(15_000);
      return;
    }
    const pid = this.pidOf(name);
    if (pid === undefined) throw new Error(`${name}: no node process found under its guard`);
    process.kill(pid, 'SIGKILL');
    await service.process.exited;
  }

  /** Starts a stopped service again with the same environment and ports; resolves once it is ready. */
  async startService(name: string): Promise<void> {
    const service = this.running.get(name);
    if (!service) throw new Error(`no service ${name}`);
    await this.spawn(name, service.spec, this.overrides.get(name) ?? {});
  }

  private async spawn(name: string, spec: ServiceSpec, overrides: Record<string, string>): Promise<void> {
    this.overrides.set(name, overrides);
    const env = { ...process.env, ...this.env, ...overrides };
    const label = `[${name}] `;
    const service = spawnService(spec, { kafkaBrokers: this.env.KAFKA_BROKERS!, databaseUrl: this.env.DATABASE_URL!, env }, this.root, label, this.write);
    this.running.set(name, service);
    await waitUntilReady(service, 180_000);
  }

  /** Services whose process has exited (and was not started again). */
  exited(): string[] {
    return [...this.running.entries()].filter(([, service]) => !service.process.running).map(([name]) => name);
  }

  /** What a service's /health/ready answers now (status and body, shortened), for diagnosis. */
  async readiness(name: string): Promise<string> {
    const service = this.running.get(name);
    if (!service) return 'unknown service';
    try {
      const response = await fetch(service.readyUrl, { signal: AbortSignal.timeout(2_000) });
      return `${response.status} ${(await response.text()).slice(0, 400)}`;
    } catch (error) {
      return (error as Error).message;
    }
  }

  /** Names of the services whose /health/ready is not 200 right now. */
  async notReady(): Promise<string[]> {
    const answers = await Promise.all(
      [...this.running.entries()].map(async ([name, service]) => {
        try {
          const response = await fetch(service.readyUrl, { signal: AbortSignal.timeout(2_000) });
          await response.arrayBuffer();
          return response.ok ? null : name;
        } catch {
          return name;
        }
      }),
    );
    return answers.filter((name): name is string => name !== null);
  }

  async stop(): Promise<void> {
    const extra = [...this.running.values()].filter((service) => !this.platform.services.includes(service));
    await Promise.allSettled(extra.map((service) => service.process.stop(5_000)));
    await this.platform.stop(5_000);
  }
}

const gatewaySpec: ServiceSpec = SERVICES.find((spec) => spec.name === 'gateway')!;

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startInfra, type Infra } from '../infra';
import { repoRoot, stateDir } from '../paths';
import type { ExitInfo } from '../process/guarded-process';
import { prefix } from './log-prefix';
import { describeExit, spawnService, waitUntilReady, type RunningService } from './service-process';
import { SERVICES, serviceEntry, type ServiceSpec } from './service-table';

export interface PlatformOptions {
  readonly root?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Wipe local Kafka and Postgres data first (`npm start -- --clean`). */
  readonly clean?: boolean;
  readonly services?: readonly ServiceSpec[];
  readonly readyTimeoutMs?: number;
  /** Where status lines and prefixed service output go. */
  readonly write?: (line: string) => void;
  readonly colour?: boolean;
  /** Steps run in order once every service is ready (demo seeding goes here). */
  readonly afterReady?: ReadonlyArray<(platform: Platform) => Promise<void>>;
}

export interface Platform {
  readonly infra: Infra;
  readonly services: readonly RunningService[];
  /** Resolves when a service exits while the platform is not stopping. */
  readonly unexpectedExit: Promise<{ readonly name: string; readonly info: ExitInfo }>;
  /** Stops the services (SIGTERM, SIGKILL after `graceMs`), then the infrastructure. */
  stop(graceMs?: number): Promise<void>;
}

/** Kafka and Postgres, then every service as a child process, each waited for on `/health/ready`. */
export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const root = options.root ?? repoRoot();
  const env = options.env ?? process.env;
  const specs = options.services ?? SERVICES;
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const unbuilt = specs.filter((spec) => !existsSync(join(root, serviceEntry(spec.name))));
  if (unbuilt.length > 0) {
    throw new Error(`not built: ${unbuilt.map((spec) => serviceEntry(spec.name)).join(', ')}. Run \`npm run build\` (npm start does it first).`);
  }

  const infra = await startInfra({ mode: 'dev', root, env, clean: options.clean, log: (line) => write(`[infra] ${line}`) });
  const width = Math.max(...specs.map((spec) => spec.name.length));
  const context = { kafkaBrokers: infra.kafkaBrokers, databaseUrl: infra.databaseUrl, stateDir: stateDir(root, env), env };
  const services = specs.map((spec, index) => spawnService(spec, context, root, prefix(spec.name, index, width, !!options.colour), write));

  let stopping = false;
  let stopped: Promise<void> | undefined;
  const stop = (graceMs = 10_000) =>
    (stopped ??= (async () => {
      stopping = true;
      await Promise.all(services.map((service) => service.process.stop(graceMs)));
      await infra.stop();
    })());
  const unexpectedExit = new Promise<{ name: string; info: ExitInfo }>((resolve) => {
    for (const service of services) {
      void service.process.exited.then((info) => {
        if (!stopping) resolve({ name: service.spec.name, info });
      });
    }
  });

  try {
    await Promise.all(services.map((service) => waitUntilReady(service, options.readyTimeoutMs ?? 90_000)));
  } catch (error) {
    await stop();
    throw error;
  }
  const platform: Platform = { infra, services, unexpectedExit, stop };
  for (const step of options.afterReady ?? []) await step(platform);
  return platform;
}

export { describeExit };

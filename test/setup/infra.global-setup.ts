import type { TestProject } from 'vitest/node';
import { deleteTopicsWithPrefix, dropDatabase, dropStaleTestDatabases, ensureDatabase, startInfra, testDatabaseName, uniqueSuffix } from '@gatehouse/devstack';

/** Test databases left by runs that died before their teardown are dropped after this long. */
const STALE_AFTER_MS = 6 * 3600_000;

/**
 * Integration project global setup: one Kafka and one Postgres per `npm test` run (env first,
 * then Docker, then local processes), a fresh database and a unique topic prefix for the run.
 * Workers are started after this runs and inherit process.env, so specs read KAFKA_BROKERS,
 * DATABASE_URL and KAFKA_TOPIC_PREFIX (or call `isolatedTestEnv(label)` from @gatehouse/devstack).
 */
export default async function setup(_project: TestProject): Promise<() => Promise<void>> {
  const saved = { KAFKA_BROKERS: process.env.KAFKA_BROKERS, DATABASE_URL: process.env.DATABASE_URL, KAFKA_TOPIC_PREFIX: process.env.KAFKA_TOPIC_PREFIX };
  const infra = await startInfra({ mode: 'test' });
  const database = testDatabaseName();
  let databaseUrl: string;
  try {
    await dropStaleTestDatabases(infra.databaseUrl, STALE_AFTER_MS).catch(() => []);
    databaseUrl = await ensureDatabase(infra.databaseUrl, database);
  } catch (error) {
    await infra.stop();
    throw new Error(`Postgres: cannot create the test database ${database}: ${(error as Error).message}`);
  }
  const topicPrefix = `${saved.KAFKA_TOPIC_PREFIX ?? ''}t${uniqueSuffix()}.`;
  process.env.KAFKA_BROKERS = infra.kafkaBrokers;
  process.env.DATABASE_URL = databaseUrl;
  process.env.KAFKA_TOPIC_PREFIX = topicPrefix;
  console.log(
    `[infra] kafka: ${infra.source.kafka} ${infra.kafkaBrokers} (ready in ${infra.kafkaReadyMs} ms), postgres: ${infra.source.postgres} (database ${database}), topic prefix ${topicPrefix}`,
  );

  return async () => {
    const problems: string[] = [];
    await dropDatabase(infra.databaseUrl, database).catch((error: Error) => problems.push(`drop database ${database}: ${error.message}`));
    // A broker of this run's own goes away with its data; a shared one keeps nothing of the run.
    if (infra.source.kafka === 'env') {
      await deleteTopicsWithPrefix(infra.kafkaBrokers, topicPrefix).catch((error: Error) => problems.push(`delete topics ${topicPrefix}*: ${error.message}`));
    }
    await infra.stop();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    if (problems.length > 0) console.warn(`[infra] teardown: ${problems.join('; ')}`);
  };
}

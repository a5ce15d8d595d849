import { randomBytes } from 'node:crypto';

/** A short random suffix for names: 8 lower-case hex characters. */
export function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}

export interface TestEnv {
  readonly kafkaBrokers: string;
  readonly databaseUrl: string;
  /** `${KAFKA_TOPIC_PREFIX}${label}-${suffix}.`: prepend to every topic this test file uses. */
  readonly topicPrefix: string;
  /** `${label}_${suffix}`: a Postgres schema of this test file's own. */
  readonly schema: string;
}

/** Lower-case letters, digits and underscores, starting with a letter: safe for schema names and topics. */
export function sanitizeLabel(label: string): string {
  const cleaned = label.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  const safe = /^[a-z]/.test(cleaned) ? cleaned : `t_${cleaned}`;
  return safe.slice(0, 40);
}

/**
 * The infrastructure of this test run (set by the integration global setup) with names of this
 * test file's own, so files can run in parallel on one broker and one database.
 */
export function isolatedTestEnv(label: string, env: NodeJS.ProcessEnv = process.env): TestEnv {
  const kafkaBrokers = env.KAFKA_BROKERS;
  const databaseUrl = env.DATABASE_URL;
  if (!kafkaBrokers || !databaseUrl) {
    throw new Error('KAFKA_BROKERS and DATABASE_URL are not set: run integration specs through vitest (`--project integration`), whose global setup provides them.');
  }
  const name = sanitizeLabel(label);
  const suffix = uniqueSuffix();
  return {
    kafkaBrokers,
    databaseUrl,
    topicPrefix: `${env.KAFKA_TOPIC_PREFIX ?? ''}${name}-${suffix}.`,
    schema: `${name}_${suffix}`,
  };
}

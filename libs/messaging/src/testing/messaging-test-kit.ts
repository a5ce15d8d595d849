import { randomBytes } from 'node:crypto';
import type { TopicSpec } from '@gatehouse/contracts';
import { createLogger, type Logger } from '@gatehouse/observability';
import { createServiceDataSource, dropSchema, openServiceDataSource } from '@gatehouse/persistence';
import { eventually, type Truthy, TopicCollector } from '@gatehouse/testing';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { messagingEntities, messagingMigrations } from '../index';
import { createKafka } from '../kafka';
import { ensureTopics } from '../topics';

export { type CollectedMessage, TopicCollector } from '@gatehouse/testing';

/** Isolation for one integration spec file: its own topic prefix and Postgres schemas, removed at the end. */
export interface MessagingTestEnv {
  brokers: string[];
  databaseUrl: string;
  prefix: string;
  kafka: Kafka;
  logger: Logger;
  /** A fresh schema name of this file. */
  schemaName(label: string): string;
  /** A data source on a fresh schema with the messaging migrations run. */
  openDataSource(label: string): Promise<DataSource>;
  ensureTopics(specs: TopicSpec[]): Promise<void>;
  collect(topics: string[]): Promise<TopicCollector>;
  cleanup(): Promise<void>;
}

export const suffix = () => randomBytes(4).toString('hex');

export async function createMessagingTestEnv(label: string): Promise<MessagingTestEnv> {
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:29092').split(',').map((broker) => broker.trim());
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const run = suffix();
  const prefix = `${process.env.KAFKA_TOPIC_PREFIX ?? 'test.'}${label}-${run}.`;
  const logger = createLogger({ service: `messaging-test-${label}`, level: process.env.TEST_LOG_LEVEL ?? 'error' });
  const kafka = createKafka({ clientId: `test-${label}`, brokers, logger });
  const schemas: string[] = [];
  const dataSources: DataSource[] = [];
  const collectors: TopicCollector[] = [];
  const topics = new Set<string>();
  const env: MessagingTestEnv = {
    brokers,
    databaseUrl,
    prefix,
    kafka,
    logger,
    schemaName(name) {
      const schema = `msg_${label.replace(/\W/g, '_')}_${name}_${run}`.toLowerCase();
      schemas.push(schema);
      return schema;
    },
    async openDataSource(name) {
      const dataSource = createServiceDataSource({
        url: databaseUrl,
        schema: env.schemaName(name),
        entities: messagingEntities,
        migrations: messagingMigrations,
        poolSize: 5,
      });
      await openServiceDataSource(dataSource);
      dataSources.push(dataSource);
      return dataSource;
    },
    async ensureTopics(specs) {
      await ensureTopics(kafka, prefix, specs);
      for (const spec of specs) topics.add(`${prefix}${spec.name}`);
    },
    async collect(names) {
      const collector = new TopicCollector(kafka, names);
      await collector.start();
      collectors.push(collector);
      return collector;
    },
    async cleanup() {
      await Promise.allSettled(collectors.map((collector) => collector.stop()));
      await Promise.allSettled(dataSources.map((dataSource) => (dataSource.isInitialized ? dataSource.destroy() : undefined)));
      await Promise.allSettled(schemas.map((schema) => dropSchema(databaseUrl, schema)));
      const admin = kafka.admin();
      await admin.connect();
      try {
        const existing = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
        if (existing.length > 0) await admin.deleteTopics({ topics: existing });
      } finally {
        await admin.disconnect();
      }
    },
  };
  return env;
}

/** Polls `probe` until it returns something truthy (`eventually` with options); 15 s by default. */
export function waitFor<T>(probe: () => T | Promise<T>, options: { timeoutMs?: number; intervalMs?: number; message?: string } = {}): Promise<Truthy<T>> {
  return eventually(probe, options.message ?? 'condition', options.timeoutMs ?? 15_000, options.intervalMs ?? 50);
}

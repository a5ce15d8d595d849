import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { describe, expect, it } from 'vitest';
import { isolatedTestEnv } from './test-env';

describe('test run infrastructure', () => {
  it('reaches the workers: a fresh database of the run and a broker that answers', async () => {
    expect(process.env.KAFKA_TOPIC_PREFIX).toMatch(/^.*t[0-9a-f]{8}\.$/);
    const env = isolatedTestEnv('devstack');
    expect(env.topicPrefix.startsWith(`${process.env.KAFKA_TOPIC_PREFIX}devstack-`)).toBe(true);

    const client = new Client({ connectionString: env.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>('select current_database() as name');
      expect(rows[0]!.name).toMatch(/^gatehouse_test_\d{14}_[0-9a-f]{8}$/);
      await client.query(`create schema "${env.schema}"`);
      await client.query(`drop schema "${env.schema}"`);
    } finally {
      await client.end();
    }

    const admin = new Kafka({ brokers: env.kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      expect(cluster.brokers.length).toBeGreaterThan(0);
    } finally {
      await admin.disconnect();
    }
  });
});

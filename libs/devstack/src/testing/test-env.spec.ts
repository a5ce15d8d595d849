import { describe, expect, it } from 'vitest';
import { isolatedTestEnv, sanitizeLabel, uniqueSuffix } from './test-env';

const runEnv = { KAFKA_BROKERS: '127.0.0.1:40000', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/gatehouse_test_x', KAFKA_TOPIC_PREFIX: 'tabc12345.' };

describe('isolatedTestEnv', () => {
  it('derives a topic prefix and a schema of the file’s own from the run env', () => {
    const env = isolatedTestEnv('Key Rotation', runEnv);
    expect(env.kafkaBrokers).toBe(runEnv.KAFKA_BROKERS);
    expect(env.databaseUrl).toBe(runEnv.DATABASE_URL);
    expect(env.topicPrefix).toMatch(/^tabc12345\.key_rotation-[0-9a-f]{8}\.$/);
    expect(env.schema).toMatch(/^key_rotation_[0-9a-f]{8}$/);
    expect(env.schema.slice(-8)).toBe(env.topicPrefix.slice(-9, -1));
  });

  it('gives two calls different names', () => {
    expect(isolatedTestEnv('a', runEnv).schema).not.toBe(isolatedTestEnv('a', runEnv).schema);
  });

  it('explains how to get the env when it is missing', () => {
    expect(() => isolatedTestEnv('a', {})).toThrow(/global setup provides them/);
  });
});

describe('sanitizeLabel and uniqueSuffix', () => {
  it('keeps labels usable as schema names', () => {
    expect(sanitizeLabel('1st-run!')).toBe('t_1st_run');
    expect(sanitizeLabel('x'.repeat(80))).toHaveLength(40);
  });

  it('makes 8 hex characters', () => {
    expect(uniqueSuffix()).toMatch(/^[0-9a-f]{8}$/);
  });
});

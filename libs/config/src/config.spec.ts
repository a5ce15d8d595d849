import { describe, expect, it } from 'vitest';
import { baseConfigSchema, ConfigError, loadConfig, port } from './index';

describe('loadConfig', () => {
  it('types and defaults valid configuration', () => {
    const config = loadConfig({ ...baseConfigSchema, PORT: port(8082) }, { DATABASE_URL: 'postgres://db/x', KAFKA_BROKERS: 'a:9092, b:9092' });
    expect(config).toMatchObject({ PORT: 8082, KAFKA_BROKERS: ['a:9092', 'b:9092'], KAFKA_TOPIC_PREFIX: '', LOG_LEVEL: 'info', NODE_ENV: 'development' });
  });

  it('names every missing or invalid variable', () => {
    let error: unknown;
    try {
      loadConfig({ ...baseConfigSchema, PORT: port(8082) }, { DATABASE_URL: 'mysql://x', PORT: '70000', KAFKA_TOPIC_PREFIX: 'bad prefix!' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/DATABASE_URL: must be a postgres:\/\/ URL/);
    expect(message).toMatch(/KAFKA_BROKERS is required/);
    expect(message).toMatch(/PORT: /);
    expect(message).toMatch(/KAFKA_TOPIC_PREFIX: letters, digits/);
  });
});

import { baseConfigSchema, loadConfig, port } from '@gatehouse/config';
import { createLogger } from '@gatehouse/observability';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeysCoreModule } from './keys-core.module';
import { type KeysConfig, keysConfigSchema } from './keys.config';

const lines: string[] = [];
const logger = createLogger({ service: 'keys', level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
const transport = (id: string) => `${id}:${randomBytes(32).toString('base64url')}`;
const config = (env: NodeJS.ProcessEnv) =>
  loadConfig({ ...baseConfigSchema, PORT: port(0), ...keysConfigSchema }, { DATABASE_URL: 'postgres://x@localhost/x', KAFKA_BROKERS: 'localhost:9092', ...env }) as KeysConfig;

describe('KeysCoreModule secrets at boot', () => {
  const production = { NODE_ENV: 'production', KEY_TRANSPORT_SECRET_IDENTITY: transport('identity-1'), KEY_TRANSPORT_SECRET_GATEWAY: transport('gateway-1') };

  it('refuses to start in production without a master key and names the variable', () => {
    expect(() => KeysCoreModule.forRoot({ config: config(production), logger })).toThrow(/^KEYS_MASTER_KEY \(or KEYS_MASTER_KEY_FILE\) is required in production/);
  });

  it('refuses to start in production without a transport secret and names the variable', () => {
    const { KEY_TRANSPORT_SECRET_GATEWAY: _missing, ...rest } = production;
    expect(() => KeysCoreModule.forRoot({ config: config({ ...rest, KEYS_MASTER_KEY: randomBytes(32).toString('base64url') }), logger })).toThrow(
      'KEY_TRANSPORT_SECRET_GATEWAY is required in production: private keys for gateway cannot be wrapped without it',
    );
  });

  it('refuses to start in production without the bootstrap admin credential', () => {
    expect(() => KeysCoreModule.forRoot({ config: config({ ...production, KEYS_MASTER_KEY: randomBytes(32).toString('base64url') }), logger })).toThrow(
      /^ADMIN_BOOTSTRAP_TOKEN is required in production/,
    );
  });

  it('starts in production with every secret given, and in development with derived ones and warnings', () => {
    const complete = { ...production, KEYS_MASTER_KEY: randomBytes(32).toString('base64url'), ADMIN_BOOTSTRAP_TOKEN: randomBytes(24).toString('base64url') };
    expect(() => KeysCoreModule.forRoot({ config: config(complete), logger })).not.toThrow();
    lines.length = 0;
    KeysCoreModule.forRoot({ config: config({ NODE_ENV: 'development' }), logger });
    const warnings = lines.map((line) => JSON.parse(line)).filter((line) => line.level === 'warn').map((line) => line.msg);
    expect(warnings).toEqual([
      'KEYS_MASTER_KEY is not set: using a master key derived from GATEHOUSE_DEV_SECRET (development only)',
      'KEY_TRANSPORT_SECRET_IDENTITY is not set: deriving it from GATEHOUSE_DEV_SECRET (development only)',
      'KEY_TRANSPORT_SECRET_GATEWAY is not set: deriving it from GATEHOUSE_DEV_SECRET (development only)',
    ]);
  });
});

import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadAiSecrets } from './ai-secrets';

const base = { GATEHOUSE_DEV_SECRET: 'gatehouse-dev-only' };
const transport = `gw-1:${randomBytes(32).toString('base64url')}`;

describe('loadAiSecrets', () => {
  it('refuses a production start without a master key or a gateway transport secret, naming the variable', () => {
    expect(() => loadAiSecrets({ ...base, NODE_ENV: 'production', KEY_TRANSPORT_SECRET_GATEWAY: transport })).toThrow(
      'CATALOG_MASTER_KEY (or CATALOG_MASTER_KEY_FILE) is required in production: the catalog service will not store AI provider credentials without a master key',
    );
    expect(() => loadAiSecrets({ ...base, NODE_ENV: 'production', CATALOG_MASTER_KEY: randomBytes(32).toString('base64url') })).toThrow(
      'KEY_TRANSPORT_SECRET_GATEWAY is required in production: AI provider credentials cannot be wrapped for the gateway without it',
    );
    expect(() => loadAiSecrets({ ...base, NODE_ENV: 'production', CATALOG_MASTER_KEY: 'short', KEY_TRANSPORT_SECRET_GATEWAY: transport })).toThrow('CATALOG_MASTER_KEY entry 1');
  });

  it('uses the configured secrets in production', () => {
    const loaded = loadAiSecrets({ ...base, NODE_ENV: 'production', CATALOG_MASTER_KEY: `mk2:${randomBytes(32).toString('base64url')}`, KEY_TRANSPORT_SECRET_GATEWAY: transport });
    expect(loaded.vault.keyId).toBe('mk2');
    expect(loaded.transport.secret.id).toBe('gw-1');
    expect(loaded.warnings).toEqual([]);
  });

  it('derives both in development, with warnings, and the same gateway secret the keys service derives', () => {
    const loaded = loadAiSecrets({ ...base, NODE_ENV: 'development' });
    expect(loaded.warnings).toEqual([
      'CATALOG_MASTER_KEY is not set: using a master key derived from GATEHOUSE_DEV_SECRET (development only)',
      'KEY_TRANSPORT_SECRET_GATEWAY is not set: deriving it from GATEHOUSE_DEV_SECRET (development only)',
    ]);
    expect(loaded.transport.secret.id).toMatch(/^gateway-[0-9a-f]{12}$/);
    expect(loaded.vault.keyId).toMatch(/^dev-/);
  });
});

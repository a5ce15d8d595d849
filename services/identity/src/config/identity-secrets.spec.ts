import { ConfigError } from '@gatehouse/config';
import { createLogger } from '@gatehouse/observability';
import { describe, expect, it } from 'vitest';
import type { IdentityConfig } from './identity-config';
import { resolveIdentitySecrets } from './identity-secrets';

const logger = createLogger({ service: 'identity-test', level: 'silent' });
const base = { NODE_ENV: 'development', GATEHOUSE_DEV_SECRET: 'gatehouse-dev-only' } as IdentityConfig;

describe('resolveIdentitySecrets', () => {
  it('stops a production boot naming every missing secret', () => {
    let error: unknown;
    try {
      resolveIdentitySecrets({ ...base, NODE_ENV: 'production' }, logger);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'KEY_TRANSPORT_SECRET is required when NODE_ENV=production',
      'IDENTITY_SECRET_PEPPER is required when NODE_ENV=production',
      'ADMIN_BOOTSTRAP_TOKEN is required when NODE_ENV=production',
    ]);
  });

  it('derives development defaults, the same on every start', () => {
    const first = resolveIdentitySecrets(base, logger);
    const second = resolveIdentitySecrets(base, logger);
    expect(first.transportSecrets.map((secret) => secret.id)).toEqual([expect.stringMatching(/^identity-[0-9a-f]{12}$/)]);
    expect(first.secretPepper.equals(second.secretPepper)).toBe(true);
    expect(first.adminBootstrapToken).toBeNull();
  });

  it('takes several transport secrets during a rotation, the new one first', () => {
    const value = (id: string, fill: number) => `${id}:${Buffer.alloc(32, fill).toString('base64url')}`;
    const secrets = resolveIdentitySecrets({ ...base, KEY_TRANSPORT_SECRET: `${value('t2', 2)},${value('t1', 1)}` }, logger);
    expect(secrets.transportSecrets.map((secret) => secret.id)).toEqual(['t2', 't1']);
  });

  it('names the variable of a malformed transport secret without echoing it', () => {
    const attempt = () => resolveIdentitySecrets({ ...base, KEY_TRANSPORT_SECRET: 'id:not-32-bytes' }, logger);
    expect(attempt).toThrow(/KEY_TRANSPORT_SECRET key decodes to \d+ bytes/);
    expect(attempt).not.toThrow(/not-32-bytes/);
  });
});

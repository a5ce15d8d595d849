import { hkdfSync } from 'node:crypto';
import { deriveTransportSecret, type TransportSecret, transportSecretsFromEnv } from '@gatehouse/auth';
import { ConfigError } from '@gatehouse/config';
import type { Logger } from '@gatehouse/observability';
import type { IdentityConfig } from './identity-config';

/** Secrets identity holds in memory, resolved once at boot. */
export interface IdentitySecrets {
  /** Unwrap the signing keys the keys service wraps for `identity`: the current one first, and during a rotation the previous one. */
  transportSecrets: TransportSecret[];
  /** HMAC key of client secrets at rest. */
  secretPepper: Buffer;
  /** The bootstrap admin secret, or null when disabled. */
  adminBootstrapToken: string | null;
}

export const IDENTITY_SECRETS = Symbol('IDENTITY_SECRETS');

/**
 * Production requires every secret explicitly; development derives missing ones from
 * `GATEHOUSE_DEV_SECRET` (and says so), so `npm start` works with no setup.
 */
export function resolveIdentitySecrets(config: IdentityConfig, logger: Logger): IdentitySecrets {
  const production = config.NODE_ENV === 'production';
  const missing = (['KEY_TRANSPORT_SECRET', 'IDENTITY_SECRET_PEPPER', 'ADMIN_BOOTSTRAP_TOKEN'] as const).filter((name) => !config[name]);
  if (production && missing.length > 0) throw new ConfigError(missing.map((name) => `${name} is required when NODE_ENV=production`));
  for (const name of missing) {
    logger.warn(name === 'ADMIN_BOOTSTRAP_TOKEN' ? 'ADMIN_BOOTSTRAP_TOKEN is not set; the bootstrap admin secret is disabled' : `${name} is not set; deriving a development value from GATEHOUSE_DEV_SECRET`);
  }
  let transportSecrets: TransportSecret[];
  try {
    transportSecrets = config.KEY_TRANSPORT_SECRET
      ? transportSecretsFromEnv(config.KEY_TRANSPORT_SECRET, 'KEY_TRANSPORT_SECRET')
      : [deriveTransportSecret(config.GATEHOUSE_DEV_SECRET, 'identity')];
  } catch (error) {
    throw new ConfigError([(error as Error).message]);
  }
  const secretPepper = config.IDENTITY_SECRET_PEPPER
    ? Buffer.from(config.IDENTITY_SECRET_PEPPER, 'utf8')
    : Buffer.from(hkdfSync('sha256', config.GATEHOUSE_DEV_SECRET, 'gatehouse/identity', 'client secret pepper', 32));
  return { transportSecrets, secretPepper, adminBootstrapToken: config.ADMIN_BOOTSTRAP_TOKEN ?? null };
}

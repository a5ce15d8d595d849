import type { BaseConfig } from '@gatehouse/config';
import { z } from 'zod';

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Variables of the keys service, on top of the platform's base configuration. */
export const keysConfigSchema = {
  /**
   * Local master key(s): `<base64url 32 bytes>` or a comma-separated list of `<id>:<base64url 32 bytes>`.
   * The first one wraps new keys; the others only unwrap until master-key rotation re-wrapped everything.
   */
  KEYS_MASTER_KEY: z.string().min(1).optional().describe('Master key(s) of the local key vault, "<id>:<base64url 32 bytes>[,...]"; first is current'),
  KEYS_MASTER_KEY_FILE: z.string().min(1).optional().describe('File holding KEYS_MASTER_KEY (takes precedence when both are set)'),
  KEY_TRANSPORT_SECRET_IDENTITY: z.string().min(1).optional().describe('"<id>:<base64url 32 bytes>" wrapping signing keys for identity'),
  KEY_TRANSPORT_SECRET_GATEWAY: z.string().min(1).optional().describe('"<id>:<base64url 32 bytes>" wrapping encryption keys for the gateway'),
  GATEHOUSE_DEV_SECRET: z.string().min(16).default('gatehouse-dev-only').describe('Development only: derives missing secrets'),
  ADMIN_BOOTSTRAP_TOKEN: z.string().min(1).optional().describe('Bootstrap platform-admin credential; required outside development'),
  TOKEN_ISSUER: z.string().url().default('http://localhost:8081'),
  JWKS_CACHE_SECONDS: seconds(300).describe('Cache-Control max-age of the JWKS; the lower bound of every lead time'),
  MAX_TOKEN_LIFETIME_SECONDS: seconds(900).describe('Longest access-token lifetime; with the clock skew, the lower bound of every retire window'),
  CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).default(30),
  KEYS_DEFAULT_ROTATION_SECONDS: seconds(7 * 24 * 3600).describe('Rotation period of the platform default key sets'),
  KEYS_DESTROY_AFTER_SECONDS: seconds(7 * 24 * 3600).describe('Grace period between retirement and destruction of a key'),
  KEYS_SCHEDULER_INTERVAL_MS: z.coerce.number().int().min(0).default(5_000).describe('Scheduler tick interval; 0 disables the timer'),
};

export type KeysConfigShape = typeof keysConfigSchema;

export type KeysConfig = BaseConfig & { PORT: number } & z.infer<z.ZodObject<KeysConfigShape>>;

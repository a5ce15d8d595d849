import type { BaseConfig } from '@gatehouse/config';
import { z } from 'zod';

const seconds = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);

/** Variables identity reads on top of the base configuration. */
export const identityConfigSchema = {
  TOKEN_ISSUER: z.url({ protocol: /^https?$/ }).default('http://localhost:8081').describe('Issuer URL (`iss`) and base URL of the OAuth endpoints.'),
  ACCESS_TOKEN_TTL_SECONDS: seconds(300, 3600).describe('Lifetime of application access tokens.'),
  ADMIN_TOKEN_TTL_SECONDS: seconds(900, 3600).describe('Lifetime of member (admin) access tokens.'),
  CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(30).describe('Clock difference allowed when verifying tokens (introspection, token exchange, admin API), as at the gateway.'),
  REFRESH_TOKEN_TTL_SECONDS: seconds(8 * 3600, 30 * 24 * 3600).describe('Lifetime of a refresh token family from login.'),
  ADMIN_BOOTSTRAP_TOKEN: z.string().min(16).optional().describe('Bootstrap admin secret; required in production.'),
  KEY_TRANSPORT_SECRET: z.string().optional().describe('`<id>:<base64url 32 bytes>`; unwraps the signing keys (comma-separated, new one first, during a rotation). Required in production.'),
  GATEHOUSE_DEV_SECRET: z.string().min(16).default('gatehouse-dev-only').describe('Development master secret from which missing secrets are derived.'),
  IDENTITY_SECRET_PEPPER: z.string().min(32).optional().describe('HMAC key for client secrets at rest; required in production.'),
  BOOTSTRAP_TENANT: z.string().regex(/^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$/).optional().describe('First tenant created at start (idempotent).'),
  BOOTSTRAP_ADMIN_EMAIL: z.email().optional().describe('Platform admin member created at start (idempotent).'),
  BOOTSTRAP_ADMIN_PASSWORD: z.string().min(12).max(200).optional().describe('Password of the bootstrap admin member.'),
  AUTH_FAILURES_PER_CLIENT: z.coerce.number().int().min(1).default(10).describe('Failed authentications per client id (or username) from one remote address per window before 429; other addresses are not affected.'),
  AUTH_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).default(50).describe('Failed authentications per remote address per window before 429.'),
  AUTH_FAILURE_WINDOW_SECONDS: seconds(60, 3600).describe('Sliding window of the attempt limits.'),
  CLIENT_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).max(300).default(30).describe('How long a client record is cached on the token path.'),
  PASSWORD_SCRYPT_LOG2N: z.coerce.number().int().min(10).max(20).default(15).describe('scrypt cost (log2 N) for new member passwords.'),
};

export type IdentityConfig = BaseConfig & { PORT: number } & z.infer<z.ZodObject<typeof identityConfigSchema>>;

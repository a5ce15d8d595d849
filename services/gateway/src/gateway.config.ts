import { hostname } from 'node:os';
import type { BaseConfig } from '@gatehouse/config';
import { z } from 'zod';

const int = (fallback: number, min = 1) => z.coerce.number().int().min(min).default(fallback);

/** Variables of the gateway, on top of the platform's base configuration. */
export const gatewayConfigSchema = {
  /** The gateway has no database; accepted and ignored when set. */
  DATABASE_URL: z.string().optional(),
  GATEWAY_PROXY_PORT: z.coerce.number().int().min(0).max(65535).default(8080).describe('Data plane port'),
  GATEWAY_PROXY_HOST: z.string().min(1).default('0.0.0.0').describe('Data plane bind address'),
  GATEWAY_ID: z.string().min(1).max(100).default(`${hostname()}-${process.pid}`).describe('Replica id written in usage records'),
  GATEWAY_REPLICAS: int(1).describe('Replicas behind the load balancer; each enforces rate limit / replicas'),
  GATEWAY_JOURNAL_DIR: z.string().min(1).default('.gatehouse/gateway-journal').describe('Local journal of usage batches Kafka could not take'),
  GATEWAY_MAX_HEADER_BYTES: int(16_384, 1024).describe('Largest request head (request line + headers); larger gets 431'),
  GATEWAY_MAX_URL_BYTES: int(8_192, 256).describe('Longest request target; longer gets 414'),
  GATEWAY_KEEP_ALIVE_TIMEOUT_MS: int(65_000).describe('Idle keep-alive time of client connections'),
  GATEWAY_REQUEST_TIMEOUT_MS: int(300_000).describe('Longest time to receive a whole request'),
  GATEWAY_DRAIN_TIMEOUT_MS: int(10_000).describe('Graceful shutdown: how long requests in flight may finish'),
  GATEWAY_UPSTREAM_CONNECTIONS: int(64).describe('Keep-alive connections per upstream origin'),
  GATEWAY_CIRCUIT_FAILURES: int(5).describe('Consecutive failures that open a target circuit'),
  GATEWAY_CIRCUIT_OPEN_MS: int(5_000).describe('How long an open circuit waits before a probe'),
  GATEWAY_USAGE_BATCH_SIZE: int(500).describe('Usage records that trigger a flush to Kafka before GATEWAY_USAGE_FLUSH_MS'),
  GATEWAY_USAGE_FLUSH_MS: int(500).describe('Longest time a usage record waits in memory'),
  GATEWAY_USAGE_SEND_TIMEOUT_MS: int(5_000).describe('A usage batch not acknowledged in this time is journaled'),
  GATEWAY_TOKEN_CACHE_SIZE: int(10_000, 0).describe('Verified-token cache entries'),
  CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  TOKEN_ISSUER: z.string().url().default('http://localhost:8081').describe('Accepted `iss` of access tokens (comma-separated for several)'),
  KEY_TRANSPORT_SECRET: z.string().min(1).optional().describe('"<id>:<base64url 32 bytes>" unwrapping token-encryption keys (comma-separated during a rotation)'),
  GATEHOUSE_DEV_SECRET: z.string().min(16).default('gatehouse-dev-only').describe('Development only: derives a missing KEY_TRANSPORT_SECRET'),
  ADMIN_BOOTSTRAP_TOKEN: z.string().min(1).optional().describe('Bootstrap platform-admin credential for GET /config; required outside development'),
};

export type GatewayConfigShape = typeof gatewayConfigSchema;
export type GatewayConfig = Omit<BaseConfig, 'DATABASE_URL'> & { PORT: number } & z.infer<z.ZodObject<GatewayConfigShape>>;

/** The platform module still types DATABASE_URL as required; the gateway passes `database: false`. */
export function platformConfigOf(config: GatewayConfig): BaseConfig {
  return { ...config, DATABASE_URL: config.DATABASE_URL ?? 'postgres://unused' };
}

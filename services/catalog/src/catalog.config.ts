import { z } from 'zod';

/** Variables of the catalog service, on top of the platform's base configuration. */
export const catalogConfigSchema = {
  TOKEN_ISSUER: z.string().url().default('http://localhost:8081').describe('Issuer (identity base URL) of member access tokens'),
  ADMIN_BOOTSTRAP_TOKEN: z.string().min(1).optional().describe('Bootstrap platform-admin credential; required outside development'),
  CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  OPENAPI_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .max(50 * 1024 * 1024)
    .default(5 * 1024 * 1024)
    .describe('Largest OpenAPI document accepted, in bytes (default 5 MiB)'),
  ROUTE_DEFAULT_MAX_BODY_BYTES: z.coerce.number().int().positive().default(10 * 1024 * 1024).describe('Request body cap of a route when its version sets none'),
  CATALOG_MASTER_KEY: z
    .string()
    .min(1)
    .optional()
    .describe('Master key(s) of the vault encrypting AI provider credentials, "<id>:<base64url 32 bytes>[,...]"; first is current; required in production'),
  CATALOG_MASTER_KEY_FILE: z.string().min(1).optional().describe('File holding CATALOG_MASTER_KEY (takes precedence when both are set)'),
  KEY_TRANSPORT_SECRET_GATEWAY: z.string().min(1).optional().describe('"<id>:<base64url 32 bytes>" wrapping AI provider credentials for the gateway; required in production'),
  GATEHOUSE_DEV_SECRET: z.string().min(16).default('gatehouse-dev-only').describe('Development only: derives the missing master key and transport secret'),
};

export type CatalogConfigShape = typeof catalogConfigSchema;

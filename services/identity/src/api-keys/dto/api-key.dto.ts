import { scope } from '@gatehouse/contracts';
import { z } from 'zod';
import type { ApiKey } from '../entities/api-key.entity';

export const createApiKeySchema = z.strictObject({
  scopes: z.array(scope.max(200)).max(100).default([]).transform((values) => [...new Set(values)]),
  expiresAt: z.iso.datetime({ offset: true }).transform((value) => new Date(value)).optional(),
});

export type CreateApiKey = z.infer<typeof createApiKeySchema>;

export const apiKeyView = (key: ApiKey) => ({
  id: key.id,
  applicationId: key.applicationId,
  prefix: key.prefix,
  scopes: key.scopes,
  createdAt: key.createdAt.toISOString(),
  expiresAt: key.expiresAt?.toISOString() ?? null,
  revokedAt: key.revokedAt?.toISOString() ?? null,
});

import { scope } from '@gatehouse/contracts';
import { z } from 'zod';
import type { Application } from '../entities/application.entity';

const scopes = z.array(scope.max(200)).max(100).transform((values) => [...new Set(values)]);

export const createApplicationSchema = z.strictObject({
  teamId: z.string().min(1).max(100),
  name: z.string().trim().min(1).max(200),
  requireEncryptedTokens: z.boolean().default(false),
  allowedScopes: scopes.default([]),
});

export const updateApplicationSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    requireEncryptedTokens: z.boolean().optional(),
    allowedScopes: scopes.optional(),
  })
  .refine((value) => Object.keys(value).length > 0, 'give name, requireEncryptedTokens or allowedScopes');

export type CreateApplication = z.infer<typeof createApplicationSchema>;
export type UpdateApplication = z.infer<typeof updateApplicationSchema>;

export const applicationView = (application: Application) => ({
  id: application.id,
  clientId: application.id,
  tenantId: application.tenantId,
  teamId: application.teamId,
  name: application.name,
  status: application.status,
  requireEncryptedTokens: application.requireEncryptedTokens,
  allowedScopes: application.allowedScopes,
  createdAt: application.createdAt.toISOString(),
  updatedAt: application.updatedAt.toISOString(),
});

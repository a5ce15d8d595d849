import { z } from 'zod';
import type { Tenant } from '../entities/tenant.entity';

export const tenantIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$/, 'tenant ids are 2-40 lowercase letters, digits and dashes');

export const createTenantSchema = z.strictObject({
  id: tenantIdSchema,
  name: z.string().trim().min(1).max(200),
});

export const updateTenantSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    status: z.enum(['active', 'suspended']).optional(),
  })
  .refine((value) => value.name !== undefined || value.status !== undefined, 'give name or status');

export type CreateTenant = z.infer<typeof createTenantSchema>;
export type UpdateTenant = z.infer<typeof updateTenantSchema>;

export const tenantView = (tenant: Tenant) => ({
  id: tenant.id,
  name: tenant.name,
  status: tenant.status,
  createdAt: tenant.createdAt.toISOString(),
  updatedAt: tenant.updatedAt.toISOString(),
});

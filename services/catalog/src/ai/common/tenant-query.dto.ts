import { z } from 'zod';

export const tenantQuerySchema = z.object({ tenant: z.string().max(100).optional().describe('Platform admins: one tenant (default every tenant)') }).strict();
export type TenantQuery = z.infer<typeof tenantQuerySchema>;

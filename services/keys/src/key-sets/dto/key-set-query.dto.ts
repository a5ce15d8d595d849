import { keyStates } from '@gatehouse/contracts';
import { z } from 'zod';

export const tenantQuerySchema = z.object({
  tenant: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'tenant must be 1-100 characters of A-Z a-z 0-9 . _ -').optional(),
});

export const keyListQuerySchema = z.object({
  state: z.enum(keyStates, { error: `state must be one of ${keyStates.join(', ')}` }).optional(),
});

import { id, scope } from '@gatehouse/contracts';
import { z } from 'zod';

export const subscribeSchema = z
  .object({
    applicationId: id,
    planId: z.uuid(),
    scopes: z.array(scope).max(100).optional().describe('Scopes of the API the application asks for; default all of them'),
  })
  .strict();
export type SubscribeInput = z.infer<typeof subscribeSchema>;

export const decisionSchema = z.object({ reason: z.string().trim().max(500).optional() }).strict();

export const listSubscriptionsSchema = z
  .object({
    apiId: z.uuid().optional(),
    applicationId: id.optional(),
    status: z.enum(['pending', 'approved', 'rejected', 'revoked', 'cancelled']).optional(),
    tenant: z.string().max(100).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();
export type ListSubscriptionsInput = z.infer<typeof listSubscriptionsSchema>;

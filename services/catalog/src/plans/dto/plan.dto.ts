import { quotaSchema, rateLimitSchema } from '@gatehouse/contracts';
import { z } from 'zod';

const quotasSchema = z
  .array(quotaSchema)
  .max(12)
  .refine((quotas) => new Set(quotas.map((quota) => `${quota.metric}/${quota.period}`)).size === quotas.length, 'at most one quota per metric and period');

const planFields = {
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2_000),
  rateLimit: rateLimitSchema.nullable(),
  quotas: quotasSchema,
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR').nullable(),
};

const costNeedsCurrency = (plan: { quotas?: Array<{ metric: string }>; currency?: string | null }) =>
  !(plan.quotas ?? []).some((quota) => quota.metric === 'cost') || typeof plan.currency === 'string';

export const createPlanSchema = z
  .object({
    name: planFields.name,
    description: planFields.description.default(''),
    rateLimit: planFields.rateLimit.default(null),
    quotas: planFields.quotas.default([]),
    currency: planFields.currency.default(null),
  })
  .strict()
  .refine(costNeedsCurrency, { message: 'a cost quota needs a currency', path: ['currency'] });
export type CreatePlanInput = z.infer<typeof createPlanSchema>;

export const updatePlanSchema = z
  .object(planFields)
  .partial()
  .strict()
  .refine((value) => Object.keys(value).length > 0, 'give at least one field to change');
export type UpdatePlanInput = z.infer<typeof updatePlanSchema>;

export { costNeedsCurrency };

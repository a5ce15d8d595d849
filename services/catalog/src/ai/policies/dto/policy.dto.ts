import { aiModelNameSchema, id } from '@gatehouse/contracts';
import { z } from 'zod';

const targetSchema = z
  .object({
    providerId: id.describe('The provider (credential) to call'),
    modelId: id.describe('The catalog model to call it with'),
    weight: z.number().int().min(0).max(1000).default(1).describe('> 0: primary, shares traffic by weight; 0: fallback, tried in list order'),
  })
  .strict();

const targetsSchema = z
  .array(targetSchema)
  .min(1)
  .max(20)
  .superRefine((targets, ctx) => {
    const seen = new Set<string>();
    targets.forEach((target, index) => {
      const key = `${target.providerId}|${target.modelId}`;
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [index], message: `model ${target.modelId} on provider ${target.providerId} is listed twice` });
      seen.add(key);
    });
  });

const policyFields = {
  targets: targetsSchema.describe('Primaries (weight > 0) share the traffic; fallbacks (weight 0) follow in order on 429, 5xx or timeout'),
  retries: z.number().int().min(0).max(5).describe('Extra attempts on the same target after a 5xx, a timeout or a connection error'),
  timeoutMs: z.number().int().min(1).max(600_000).describe('Per attempt: until the answer (streaming: its first event)'),
};

export const createPolicySchema = z
  .object({
    teamId: id.describe('Owning team (its admins manage the policy)'),
    model: aiModelNameSchema.describe('The model name it serves: a catalog model name (replacing its default route) or a virtual name'),
    targets: policyFields.targets,
    retries: policyFields.retries.default(0),
    timeoutMs: policyFields.timeoutMs.default(60_000),
  })
  .strict();
export type CreatePolicyInput = z.infer<typeof createPolicySchema>;

export const updatePolicySchema = z
  .object(policyFields)
  .partial()
  .strict()
  .refine((value) => Object.keys(value).length > 0, 'give at least one field to change');
export type UpdatePolicyInput = z.infer<typeof updatePolicySchema>;

import { keyPurposes } from '@gatehouse/contracts';
import { z } from 'zod';

const seconds = (name: string) => z.number({ error: `${name} must be a number of seconds` }).int(`${name} must be a whole number of seconds`).positive(`${name} must be positive`).max(10 * 365 * 24 * 3600, `${name} must be at most ten years`);

/** Policy fields; `alg` stays a free string so an unknown algorithm gets a precise message. */
export const policyFields = {
  alg: z.string({ error: 'alg must be a string' }).min(1).max(40),
  rsaModulusLength: z.number({ error: 'rsaModulusLength must be a number' }).int(),
  rotationPeriodSeconds: seconds('rotationPeriodSeconds'),
  leadTimeSeconds: seconds('leadTimeSeconds'),
  retireWindowSeconds: seconds('retireWindowSeconds'),
  destroyAfterSeconds: seconds('destroyAfterSeconds'),
};

export const createKeySetSchema = z
  .object({
    purpose: z.enum(keyPurposes, { error: `purpose must be one of ${keyPurposes.join(', ')}` }),
    /** Platform admins name the tenant; members create sets for their own tenant. */
    tenantId: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'tenantId must be 1-100 characters of A-Z a-z 0-9 . _ -').optional(),
    ...Object.fromEntries(Object.entries(policyFields).map(([name, schema]) => [name, schema.optional()])),
  })
  .strict() as z.ZodType<CreateKeySetInput>;

export interface PolicyPatch {
  alg?: string;
  rsaModulusLength?: number;
  rotationPeriodSeconds?: number;
  leadTimeSeconds?: number;
  retireWindowSeconds?: number;
  destroyAfterSeconds?: number;
}

export interface CreateKeySetInput extends PolicyPatch {
  purpose: (typeof keyPurposes)[number];
  tenantId?: string;
}

export const policyPatchSchema = z
  .object(Object.fromEntries(Object.entries(policyFields).map(([name, schema]) => [name, schema.optional()])))
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'give at least one policy field to change') as z.ZodType<PolicyPatch>;

export const revokeKeySchema = z
  .object({ reason: z.string({ error: 'reason is required: say why the key is revoked' }).trim().min(1, 'reason must not be empty').max(500, 'reason must be at most 500 characters') })
  .strict();
export type RevokeKeyInput = z.infer<typeof revokeKeySchema>;

import { aiCapabilities, aiModelNameSchema, id } from '@gatehouse/contracts';
import { z } from 'zod';

const price = z.number().min(0, 'prices cannot be negative').max(1_000_000, 'at most 1,000,000 per million tokens');

export const pricesSchema = z
  .object({
    input: price.describe('Per million prompt tokens not served from cache'),
    output: price.describe('Per million completion tokens'),
    cached: price.nullable().default(null).describe('Per million cached prompt tokens; null charges them at the input price'),
    currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code in capitals, e.g. USD'),
  })
  .strict();

const capabilitiesSchema = z
  .array(z.enum(aiCapabilities, { message: `unknown capability; expected one of ${aiCapabilities.join(', ')}` }))
  .min(1)
  .max(aiCapabilities.length)
  .refine((values) => new Set(values).size === values.length, 'each capability at most once');

const modelFields = {
  providerId: id.describe('The AI provider that serves the model'),
  upstreamModel: z.string().trim().min(1).max(200).describe("The provider's own model name"),
  contextWindow: z.number().int().min(1).max(100_000_000).describe('Tokens of prompt plus completion'),
  maxOutputTokens: z.number().int().min(1).max(100_000_000).nullable().describe('Default max_tokens where the provider needs one'),
  capabilities: capabilitiesSchema,
  prices: pricesSchema.nullable().describe('Per million tokens; null when the model has no price (its usage is flagged unpriced)'),
};

const outputFits = (value: { maxOutputTokens?: number | null; contextWindow?: number }) =>
  value.maxOutputTokens == null || value.contextWindow === undefined || value.maxOutputTokens <= value.contextWindow;

export const createModelSchema = z
  .object({
    teamId: id.describe('Owning team (its admins manage the model)'),
    name: aiModelNameSchema.describe('What clients send as model; unique in the tenant, never renamed'),
    providerId: modelFields.providerId,
    upstreamModel: modelFields.upstreamModel,
    contextWindow: modelFields.contextWindow,
    maxOutputTokens: modelFields.maxOutputTokens.default(null),
    capabilities: modelFields.capabilities.default(['chat']),
    prices: modelFields.prices.default(null),
  })
  .strict()
  .refine(outputFits, { path: ['maxOutputTokens'], message: 'maxOutputTokens cannot exceed contextWindow' });
export type CreateModelInput = z.infer<typeof createModelSchema>;

export const updateModelSchema = z
  .object(modelFields)
  .partial()
  .strict()
  .refine((value) => Object.keys(value).length > 0, 'give at least one field to change')
  .refine(outputFits, { path: ['maxOutputTokens'], message: 'maxOutputTokens cannot exceed contextWindow' });
export type UpdateModelInput = z.infer<typeof updateModelSchema>;

import { id, scope, visibilitySchema } from '@gatehouse/contracts';
import { z } from 'zod';

export const slugSchema = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'lowercase letters, digits and dashes, 1-63 characters, no leading or trailing dash');
const tagSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,39}$/, 'tags are lowercase letters, digits, dot, dash or underscore, at most 40 characters');
const audienceSchema = z
  .string()
  .min(1)
  .max(500)
  .regex(/^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$/, 'the audience is an absolute URI (e.g. https://api.example.com or urn:example:api)');

const apiFields = {
  name: z.string().trim().min(1).max(200),
  description: z.string().max(5_000),
  docs: z.string().max(200_000).describe('Markdown documentation'),
  tags: z.array(tagSchema).max(20),
  visibility: visibilitySchema,
  audience: audienceSchema.describe('Resource indicator clients ask tokens for; default urn:gatehouse:api:<tenant>:<slug>'),
  requireEncryptedTokens: z.boolean(),
  autoApprove: z.boolean().describe('Subscriptions are approved at once'),
  scopes: z.array(scope).max(100),
};

export const createApiSchema = z
  .object({
    teamId: id.describe('Owning team'),
    slug: slugSchema.optional().describe('Unique in the tenant; derived from the name when absent'),
    name: apiFields.name,
    description: apiFields.description.default(''),
    docs: apiFields.docs.default(''),
    tags: apiFields.tags.default([]),
    visibility: apiFields.visibility.default('team'),
    audience: apiFields.audience.optional(),
    requireEncryptedTokens: apiFields.requireEncryptedTokens.default(false),
    autoApprove: apiFields.autoApprove.default(false),
    scopes: apiFields.scopes.default([]),
    kind: z
      .enum(['http', 'ai', 'prompt'])
      .default('http')
      .describe('http: proxied to upstreams; ai: the OpenAI-compatible surface over the AI catalog; prompt: saved prompts as REST endpoints. Fixed at creation'),
  })
  .strict();
export type CreateApiInput = z.infer<typeof createApiSchema>;

export const updateApiSchema = z
  .object(apiFields)
  .partial()
  .strict()
  .refine((value) => Object.keys(value).length > 0, 'give at least one field to change');
export type UpdateApiInput = z.infer<typeof updateApiSchema>;

export const searchApisSchema = z
  .object({
    q: z.string().trim().max(200).optional(),
    tag: tagSchema.optional(),
    teamId: id.optional(),
    state: z.enum(['draft', 'published', 'deprecated', 'retired']).optional(),
    visibility: visibilitySchema.optional(),
    tenant: z.string().max(100).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).max(100_000).default(0),
  })
  .strict();
export type SearchApisInput = z.infer<typeof searchApisSchema>;

export const tenantQuerySchema = z.object({ tenant: z.string().max(100).optional() }).strict();

/** A slug from a display name: `Pet Store API` → `pet-store-api`. */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return slug || 'api';
}

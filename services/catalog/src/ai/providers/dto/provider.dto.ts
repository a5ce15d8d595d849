import { type AiProviderType, aiProviderTypes, id } from '@gatehouse/contracts';
import { z } from 'zod';

export const providerNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'letters, digits, dot, dash or underscore, 1-63 characters');

// zod runs every refinement even when the URL check failed; an unparsable value is that check's to report.
const parsedUrl = (value: string): URL | null => {
  try {
    return new URL(value);
  } catch {
    return null;
  }
};

const baseUrlSchema = z
  .url({ protocol: /^https?$/, message: 'an http(s) URL' })
  .max(2000)
  .refine((value) => {
    const url = parsedUrl(value);
    return url === null || (!url.username && !url.password);
  }, 'the base URL must not carry credentials; give them as credential')
  .refine((value) => {
    const url = parsedUrl(value);
    return url === null || (!url.search && !url.hash);
  }, 'the base URL takes no query or fragment')
  .transform((value) => value.replace(/\/+$/, ''));

const credentialSchema = z
  .string()
  .min(1)
  .max(8192)
  .refine((value) => /^[\x20-\x7E]+$/.test(value) && value.trim() === value, 'the credential is printable ASCII without line breaks or surrounding spaces')
  .describe('API key of the provider: write-only, stored encrypted, never returned');

const typeSchema = z.enum(aiProviderTypes, { message: `unknown provider type; expected one of ${aiProviderTypes.join(', ')}` });
const apiVersionSchema = z.string().regex(/^[A-Za-z0-9._-]{1,50}$/, 'letters, digits, dot, dash or underscore, at most 50 characters');
const deploymentSchema = z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, 'letters, digits, dot, dash or underscore, at most 200 characters');

export const createProviderSchema = z
  .object({
    teamId: id.describe('Owning team (its admins manage the provider)'),
    name: providerNameSchema.describe('Unique in the tenant'),
    type: typeSchema,
    baseUrl: baseUrlSchema.optional().describe('Default per type for openai, anthropic, gemini, mistral and cohere; required for azure-openai and openai-compatible'),
    apiVersion: apiVersionSchema.optional().describe('azure-openai api-version or anthropic-version'),
    deployment: deploymentSchema.optional().describe('azure-openai deployment (else each model upstream name)'),
    credential: credentialSchema.optional().describe('Required except for openai-compatible servers that take none'),
  })
  .strict();
export type CreateProviderInput = z.infer<typeof createProviderSchema>;

export const updateProviderSchema = z
  .object({
    name: providerNameSchema,
    baseUrl: baseUrlSchema,
    apiVersion: apiVersionSchema.nullable(),
    deployment: deploymentSchema.nullable(),
    credential: credentialSchema.nullable().describe('A new credential (rotation), or null to remove it (openai-compatible only)'),
  })
  .partial()
  .strict()
  .refine((value) => Object.keys(value).length > 0, 'give at least one field to change');
export type UpdateProviderInput = z.infer<typeof updateProviderSchema>;

/** Where each provider type is reached when no base URL is given. */
export const defaultBaseUrls: Partial<Record<AiProviderType, string>> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
  gemini: 'https://generativelanguage.googleapis.com/v1beta',
  mistral: 'https://api.mistral.ai/v1',
  cohere: 'https://api.cohere.com',
};

export interface ProviderShape {
  type: AiProviderType;
  baseUrl: string | null;
  apiVersion: string | null;
  deployment: string | null;
  hasCredential: boolean;
}

const withArticle = (type: string) => `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;

/** What a provider of its type must and must not have; each issue names the field. */
export function providerShapeIssues(shape: ProviderShape): Array<{ path: string; message: string }> {
  const issues: Array<{ path: string; message: string }> = [];
  if (!shape.baseUrl) issues.push({ path: 'baseUrl', message: `${withArticle(shape.type)} provider needs a baseUrl` });
  if (shape.apiVersion !== null && shape.type !== 'azure-openai' && shape.type !== 'anthropic') {
    issues.push({ path: 'apiVersion', message: `apiVersion applies to azure-openai and anthropic providers, not to ${shape.type}` });
  }
  if (shape.deployment !== null && shape.type !== 'azure-openai') issues.push({ path: 'deployment', message: `deployment applies to azure-openai providers, not to ${shape.type}` });
  if (!shape.hasCredential && shape.type !== 'openai-compatible') issues.push({ path: 'credential', message: `${withArticle(shape.type)} provider needs a credential` });
  return issues;
}

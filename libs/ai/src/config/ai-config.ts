import { z } from 'zod';
import { promptApiSchema } from '../prompt/prompt-api.schema';
import { templatePlaceholders } from '../prompt/prompt-template';

export const providerTypes = ['openai', 'azure-openai', 'anthropic', 'gemini', 'mistral', 'cohere', 'openai-compatible'] as const;
/** The wire formats the gateway speaks. */
export type ProviderType = (typeof providerTypes)[number];

export const capabilities = ['chat', 'embeddings', 'tools', 'vision', 'json'] as const;
/** What a model can do; requests needing a missing capability skip that target. */
export type Capability = (typeof capabilities)[number];

const providerSchema = z.object({
  id: z.string().min(1).max(100),
  type: z.enum(providerTypes),
  /** Root the provider's paths are appended to (see docs/ai-gateway.md for each type). */
  baseUrl: z.url({ protocol: /^https?$/ }),
  /** Decrypted credential; never logged, never returned. */
  apiKey: z.string().max(4096),
  apiVersion: z.string().max(50).optional(),
  deployment: z.string().max(200).optional(),
});
/** A provider endpoint with one credential. */
export type AiProviderConfig = z.infer<typeof providerSchema>;

const priceSchema = z.object({
  /** Currency units per million prompt tokens that were not served from cache. */
  input: z.number().min(0),
  /** Currency units per million completion tokens. */
  output: z.number().min(0),
  /** Per million cached prompt tokens; null charges them at the input price. */
  cached: z.number().min(0).nullable(),
  currency: z.string().regex(/^[A-Z]{3}$/),
});
/** Prices per million tokens. */
export type ModelPrices = z.infer<typeof priceSchema>;

const modelSchema = z.object({
  id: z.string().min(1).max(200),
  provider: z.string().min(1),
  upstreamModel: z.string().min(1).max(200),
  contextWindow: z.number().int().positive(),
  /** Default `max_tokens` where the provider requires one (Anthropic); 4096 when absent. */
  maxOutputTokens: z.number().int().positive().optional(),
  capabilities: z.array(z.enum(capabilities)),
  prices: priceSchema.nullable(),
});
/** A model as the catalog describes it. */
export type AiModelConfig = z.infer<typeof modelSchema>;

const policySchema = z.object({
  /** The model name clients ask for: a catalog model id or a virtual name. */
  model: z.string().min(1).max(200),
  /**
   * Targets with weight > 0 share the traffic by weight; the others are fallbacks tried in
   * list order once every weighted target failed.
   */
  targets: z.array(z.object({ provider: z.string().min(1), model: z.string().min(1), weight: z.number().min(0) })).min(1),
  /** Extra attempts on the same target after a 5xx, a timeout or a connection error. */
  retries: z.number().int().min(0).max(5).default(0),
  /** Per attempt: until the whole answer (or, streaming, its first event) arrived. */
  timeoutMs: z.number().int().positive().max(600_000).default(60_000),
});
/** A routing policy. */
export type AiPolicyConfig = z.infer<typeof policySchema>;

export const aiConfigSchema = z
  .object({
    providers: z.array(providerSchema),
    models: z.array(modelSchema),
    policies: z.array(policySchema).default([]),
    promptApis: z.array(promptApiSchema).default([]),
  })
  .superRefine((config, ctx) => {
    const providers = new Set(config.providers.map((provider) => provider.id));
    const models = new Set(config.models.map((model) => model.id));
    const unique = (ids: string[], path: string) => {
      const seen = new Set<string>();
      ids.forEach((id, index) => {
        if (seen.has(id)) ctx.addIssue({ code: 'custom', path: [path, index, 'id'], message: `duplicate id '${id}'` });
        seen.add(id);
      });
    };
    unique(config.providers.map((provider) => provider.id), 'providers');
    unique(config.models.map((model) => model.id), 'models');
    config.models.forEach((model, index) => {
      if (!providers.has(model.provider)) ctx.addIssue({ code: 'custom', path: ['models', index, 'provider'], message: `unknown provider '${model.provider}'` });
    });
    config.policies.forEach((policy, index) => {
      policy.targets.forEach((target, at) => {
        if (!providers.has(target.provider)) ctx.addIssue({ code: 'custom', path: ['policies', index, 'targets', at, 'provider'], message: `unknown provider '${target.provider}'` });
        if (!models.has(target.model)) ctx.addIssue({ code: 'custom', path: ['policies', index, 'targets', at, 'model'], message: `unknown model '${target.model}'` });
      });
    });
    config.promptApis.forEach((api, index) => {
      if (!models.has(api.model) && !config.policies.some((policy) => policy.model === api.model)) {
        ctx.addIssue({ code: 'custom', path: ['promptApis', index, 'model'], message: `unknown model '${api.model}'` });
      }
      const declared = new Set(api.variables.map((variable) => variable.name));
      api.messages.forEach((message, at) => {
        for (const name of templatePlaceholders(message.content)) {
          if (!declared.has(name)) ctx.addIssue({ code: 'custom', path: ['promptApis', index, 'messages', at, 'content'], message: `placeholder '{{${name}}}' is not a declared variable` });
        }
      });
    });
  });
/** The resolved configuration the handler serves (credentials already decrypted). */
export type AiConfig = z.infer<typeof aiConfigSchema>;
/** The configuration as given, before defaults. */
export type AiConfigInput = z.input<typeof aiConfigSchema>;

/** A configuration that failed validation; the message names each offending path. */
export class AiConfigError extends Error {
  override readonly name = 'AiConfigError';
}

/** Validates a configuration once; throws AiConfigError naming every bad path. */
export function parseAiConfig(input: unknown): AiConfig {
  const result = aiConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new AiConfigError(`Invalid AI configuration: ${lines.join('; ')}`);
}

import { z } from 'zod';
import { defineEvent, defineState } from '../define';
import { Topics } from '../topics';
import { id, nullableTimestamp, scope, tenantId, timestamp } from './common';

export const httpMethodSchema = z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
export type HttpMethod = z.infer<typeof httpMethodSchema>;

export const versionStates = ['draft', 'published', 'deprecated', 'retired'] as const;
export const versionStateSchema = z.enum(versionStates);
export type VersionState = z.infer<typeof versionStateSchema>;

export const visibilitySchema = z.enum(['team', 'tenant', 'public']);

/** Compacted `gatehouse.catalog.apis`, keyed by apiId; a deleted API is tombstoned. */
export const ApiStateV1 = defineState({
  type: 'gatehouse.catalog.api.state.v1',
  topic: Topics.apiState,
  schema: z.object({
    apiId: id,
    tenantId,
    teamId: id,
    name: z.string().min(1).max(200),
    /** The resource indicator (RFC 8707) clients ask for and tokens carry in `aud`. */
    audience: z.string().min(1).max(500),
    visibility: visibilitySchema,
    /** Tokens for this API must be nested JWEs. */
    requireEncryptedTokens: z.boolean(),
    /** Scopes an application may be granted for this API. */
    scopes: z.array(scope),
    updatedAt: timestamp,
  }),
  key: (data) => data.apiId,
  tenant: (data) => data.tenantId,
});

export const upstreamTargetSchema = z.object({
  url: z.url({ protocol: /^https?$/ }),
  weight: z.number().int().min(1).max(1000),
});

export const routeAuthSchema = z.object({
  /** Which credentials the route accepts; `none` makes it public (still metered). */
  methods: z.array(z.enum(['bearer', 'api_key'])).max(2),
  requireEncryptedToken: z.boolean(),
  scopes: z.array(scope),
});

/**
 * Compacted `gatehouse.catalog.routes`, keyed by routeId: everything the gateway needs to
 * route, protect and proxy one operation group of an API version. A route of a version that
 * is no longer published, deprecated or retired is tombstoned.
 */
export const RouteStateV1 = defineState({
  type: 'gatehouse.catalog.route.state.v1',
  topic: Topics.routeState,
  schema: z.object({
    routeId: id,
    tenantId,
    apiId: id,
    apiVersionId: id,
    apiName: z.string().max(200),
    version: z.string().max(50),
    audience: z.string().min(1).max(500),
    /** null matches any Host header. */
    host: z.string().max(253).nullable(),
    methods: z.array(httpMethodSchema).min(1),
    /** Full path template including the version's base path, e.g. `/petstore/v1/pets/{petId}`. */
    path: z.string().startsWith('/').max(2000),
    /** Prefix stripped before proxying (usually the base path). */
    stripPrefix: z.string().max(2000),
    upstream: z.object({
      targets: z.array(upstreamTargetSchema).min(1),
      loadBalancing: z.enum(['weighted-round-robin', 'least-outstanding']),
      timeouts: z.object({
        connectMs: z.number().int().positive(),
        firstByteMs: z.number().int().positive(),
        totalMs: z.number().int().positive(),
      }),
      retries: z.object({ attempts: z.number().int().min(0).max(5), backoffMs: z.number().int().min(0).max(10_000) }),
    }),
    auth: routeAuthSchema,
    lifecycle: z.object({
      state: z.enum(['published', 'deprecated', 'retired']),
      deprecatedAt: nullableTimestamp,
      sunsetAt: nullableTimestamp,
    }),
    /** `http` proxies; `ai` and `prompt` are served by the AI gateway. */
    kind: z.enum(['http', 'ai', 'prompt']),
    maxBodyBytes: z.number().int().positive(),
    updatedAt: timestamp,
  }),
  key: (data) => data.routeId,
  tenant: (data) => data.tenantId,
});

export const rateLimitSchema = z.object({
  requests: z.number().int().positive(),
  per: z.enum(['second', 'minute']),
});

export const quotaSchema = z.object({
  metric: z.enum(['requests', 'tokens', 'cost']),
  /** For `cost`: micro-units of `currency`. */
  limit: z.number().int().positive(),
  period: z.enum(['day', 'month']),
  /** Fraction of the limit that publishes a warning, e.g. 0.8. */
  warnAt: z.number().gt(0).lt(1).nullable(),
});
export type Quota = z.infer<typeof quotaSchema>;

/** Compacted `gatehouse.catalog.plans`, keyed by planId. */
export const PlanStateV1 = defineState({
  type: 'gatehouse.catalog.plan.state.v1',
  topic: Topics.planState,
  schema: z.object({
    planId: id,
    tenantId,
    apiId: id,
    name: z.string().min(1).max(200),
    rateLimit: rateLimitSchema.nullable(),
    quotas: z.array(quotaSchema),
    currency: z.string().length(3).nullable(),
    updatedAt: timestamp,
  }),
  key: (data) => data.planId,
  tenant: (data) => data.tenantId,
});

export const subscriptionStatusSchema = z.enum(['pending', 'approved', 'rejected', 'revoked', 'cancelled']);

const subscriptionFields = {
  subscriptionId: id,
  /** The API owner's tenant. */
  tenantId,
  /** The subscribing application's tenant (may differ for public APIs). */
  applicationTenantId: tenantId,
  apiId: id,
  audience: z.string().min(1).max(500),
  applicationId: id,
  planId: id,
  status: subscriptionStatusSchema,
  scopes: z.array(scope),
};

/** Compacted `gatehouse.catalog.subscriptions`, keyed by subscriptionId. */
export const SubscriptionStateV1 = defineState({
  type: 'gatehouse.catalog.subscription.state.v1',
  topic: Topics.subscriptionState,
  schema: z.object({ ...subscriptionFields, updatedAt: timestamp }),
  key: (data) => data.subscriptionId,
  tenant: (data) => data.tenantId,
});

export const SubscriptionChangedV1 = defineEvent({
  type: 'gatehouse.catalog.subscription.changed.v1',
  topic: Topics.catalogEvents,
  schema: z.object({ ...subscriptionFields, from: subscriptionStatusSchema.nullable(), by: z.string().max(200), at: timestamp }),
  key: (data) => data.apiId,
  tenant: (data) => data.tenantId,
});

export const ApiVersionTransitionedV1 = defineEvent({
  type: 'gatehouse.catalog.api-version.transitioned.v1',
  topic: Topics.catalogEvents,
  schema: z.object({
    apiId: id,
    apiVersionId: id,
    tenantId,
    version: z.string().max(50),
    from: versionStateSchema.nullable(),
    to: versionStateSchema,
    sunsetAt: nullableTimestamp,
    by: z.string().max(200),
    at: timestamp,
  }),
  key: (data) => data.apiId,
  tenant: (data) => data.tenantId,
});

export const ApiChangedV1 = defineEvent({
  type: 'gatehouse.catalog.api.changed.v1',
  topic: Topics.catalogEvents,
  schema: z.object({
    apiId: id,
    tenantId,
    teamId: id,
    name: z.string().min(1).max(200),
    change: z.enum(['created', 'updated', 'deleted']),
    by: z.string().max(200),
    at: timestamp,
  }),
  key: (data) => data.apiId,
  tenant: (data) => data.tenantId,
});

export const aiProviderTypes = ['openai', 'azure-openai', 'anthropic', 'gemini', 'mistral', 'cohere', 'openai-compatible'] as const;
export const aiProviderTypeSchema = z.enum(aiProviderTypes);
export type AiProviderType = z.infer<typeof aiProviderTypeSchema>;

export const aiCapabilities = ['chat', 'embeddings', 'tools', 'vision', 'json'] as const;
export const aiCapabilitySchema = z.enum(aiCapabilities);

/** The name clients send as `model`: a catalog model name or a policy's virtual name. */
export const aiModelNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,199}$/, 'letters, digits and . _ : / @ + -, at most 200 characters');

/**
 * A credential wrapped for the gateway: a compact JWE (alg A256KW, enc A256GCM, `kid` the
 * transport secret id, `cty: "gatehouse-secret"`, protected headers `gatehouse_recipient:
 * "gateway"` and `gatehouse_subject` = the record key, e.g. `provider:<id>`); plaintext the
 * credential as UTF-8. Open it with `unwrapSecret` of `@gatehouse/auth`.
 */
export const wrappedCredentialSchema = z.object({ recipient: z.literal('gateway'), jwe: z.string().min(1).max(32_768) });

/** Compacted `gatehouse.catalog.ai`, key `provider:<providerId>`: one provider endpoint with one credential. */
export const AiProviderStateV1 = defineState({
  type: 'gatehouse.catalog.ai-provider.state.v1',
  topic: Topics.aiState,
  schema: z.object({
    providerId: id,
    tenantId,
    teamId: id,
    name: z.string().min(1).max(100),
    type: aiProviderTypeSchema,
    /** Root the provider's paths are appended to (see docs/ai-gateway.md per type). */
    baseUrl: z.url({ protocol: /^https?$/ }),
    /** Azure OpenAI `api-version`, Anthropic `anthropic-version`; null for the adapter's default. */
    apiVersion: z.string().max(50).nullable(),
    /** Azure OpenAI deployment; null to use each model's upstream name. */
    deployment: z.string().max(200).nullable(),
    /** null: the provider takes no credential (a local OpenAI-compatible server). */
    credential: wrappedCredentialSchema.nullable(),
    updatedAt: timestamp,
  }),
  key: (data) => `provider:${data.providerId}`,
  tenant: (data) => data.tenantId,
});

/** Prices per million tokens. */
export const aiPricesSchema = z.object({
  /** Per million prompt tokens not served from cache. */
  input: z.number().min(0),
  /** Per million completion tokens. */
  output: z.number().min(0),
  /** Per million cached prompt tokens; null charges them at the input price. */
  cached: z.number().min(0).nullable(),
  currency: z.string().regex(/^[A-Z]{3}$/),
});

/** Compacted `gatehouse.catalog.ai`, key `model:<modelId>`. */
export const AiModelStateV1 = defineState({
  type: 'gatehouse.catalog.ai-model.state.v1',
  topic: Topics.aiState,
  schema: z.object({
    modelId: id,
    tenantId,
    teamId: id,
    /** What clients send as `model`; unique in the tenant, never renamed. */
    name: aiModelNameSchema,
    /** The provider that serves it by default (a policy may route it to others). */
    providerId: id,
    /** The provider's own model name (Azure: the deployment when the provider names none). */
    upstreamModel: z.string().min(1).max(200),
    contextWindow: z.number().int().positive(),
    /** Default `max_tokens` where the provider requires one (Anthropic); null for the adapter default. */
    maxOutputTokens: z.number().int().positive().nullable(),
    capabilities: z.array(aiCapabilitySchema),
    /** null: the model has no price; its usage is flagged unpriced, never costed at zero. */
    prices: aiPricesSchema.nullable(),
    updatedAt: timestamp,
  }),
  key: (data) => `model:${data.modelId}`,
  tenant: (data) => data.tenantId,
});

/** Compacted `gatehouse.catalog.ai`, key `policy:<policyId>`: how one model name is routed. */
export const AiPolicyStateV1 = defineState({
  type: 'gatehouse.catalog.ai-policy.state.v1',
  topic: Topics.aiState,
  schema: z.object({
    policyId: id,
    tenantId,
    teamId: id,
    /** The model name the policy serves: a catalog model's name (replacing its default route) or a virtual name. */
    model: aiModelNameSchema,
    /**
     * Targets with weight > 0 share the traffic by weight (primary); weight 0 targets are
     * fallbacks tried in list order once every weighted one failed.
     */
    targets: z
      .array(z.object({ providerId: id, modelId: id, weight: z.number().int().min(0).max(1000) }))
      .min(1)
      .max(20),
    /** Extra attempts on the same target after a 5xx, a timeout or a connection error. */
    retries: z.number().int().min(0).max(5),
    /** Per attempt: until the whole answer (streaming: its first event) arrived. */
    timeoutMs: z.number().int().positive().max(600_000),
    updatedAt: timestamp,
  }),
  key: (data) => `policy:${data.policyId}`,
  tenant: (data) => data.tenantId,
});

const promptVariableName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/);
const promptVariableCommon = { name: promptVariableName, description: z.string().max(1000).optional(), required: z.boolean() };

/** A typed variable of a prompt API (the shape `@gatehouse/ai` validates requests with). */
export const promptVariableSchema = z.discriminatedUnion('type', [
  z.object({
    ...promptVariableCommon,
    type: z.literal('string'),
    minLength: z.number().int().min(0).optional(),
    maxLength: z.number().int().positive().max(1_000_000).optional(),
    default: z.string().optional(),
  }),
  z.object({
    ...promptVariableCommon,
    type: z.literal('number'),
    integer: z.boolean(),
    minimum: z.number().optional(),
    maximum: z.number().optional(),
    default: z.number().optional(),
  }),
  z.object({ ...promptVariableCommon, type: z.literal('boolean'), default: z.boolean().optional() }),
  z.object({ ...promptVariableCommon, type: z.literal('enum'), values: z.array(z.string().min(1).max(200)).min(1).max(100), default: z.string().optional() }),
]);
export type PromptVariable = z.infer<typeof promptVariableSchema>;

export const promptMessageSchema = z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string().min(1).max(200_000) });

export const promptParametersSchema = z.object({
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  max_tokens: z.number().int().positive().max(1_000_000).optional(),
  stop: z.array(z.string().min(1).max(200)).max(4).optional(),
});

/**
 * Compacted `gatehouse.catalog.ai`, key `prompt:<routeId>`: the prompt API served on the
 * route of kind `prompt` with that id. Published and tombstoned with its route.
 */
export const PromptStateV1 = defineState({
  type: 'gatehouse.catalog.prompt.state.v1',
  topic: Topics.aiState,
  schema: z.object({
    routeId: id,
    tenantId,
    apiId: id,
    apiVersionId: id,
    version: z.string().max(50),
    /** Full path of the route, base path included, e.g. `/ai/sentiment`. */
    path: z.string().startsWith('/').max(2000),
    /** A catalog model name or a policy's model name of the tenant. */
    model: aiModelNameSchema,
    /** The template: `{{name}}` placeholders are replaced by variable values as plain text. */
    messages: z.array(promptMessageSchema).min(1).max(20),
    variables: z.array(promptVariableSchema).max(50),
    parameters: promptParametersSchema,
    /** `json`: the model is asked for a JSON object and the output is that object. */
    responseFormat: z.enum(['text', 'json']),
    /** JSON Schema of the output when `responseFormat` is `json`. */
    outputSchema: z.record(z.string(), z.unknown()).nullable(),
    title: z.string().max(200).nullable(),
    description: z.string().max(2000).nullable(),
    updatedAt: timestamp,
  }),
  key: (data) => `prompt:${data.routeId}`,
  tenant: (data) => data.tenantId,
});

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

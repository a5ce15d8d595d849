import type { ApiStateV1, EventData, PlanStateV1, RouteStateV1, SubscriptionStateV1 } from '@gatehouse/contracts';
import type { ApiEntity } from '../apis/entities/api.entity';
import type { PlanEntity } from '../plans/entities/plan.entity';
import type { SubscriptionEntity } from '../subscriptions/entities/subscription.entity';
import type { ApiVersionEntity } from '../versions/entities/api-version.entity';
import type { RouteEntity } from '../versions/entities/route.entity';

/** The full current state of each entity, as the compacted topics carry it. */

export function apiState(api: ApiEntity): EventData<typeof ApiStateV1> {
  return {
    apiId: api.id,
    tenantId: api.tenantId,
    teamId: api.teamId,
    name: api.name,
    audience: api.audience,
    visibility: api.visibility,
    requireEncryptedTokens: api.requireEncryptedTokens,
    scopes: api.scopes,
    updatedAt: api.updatedAt.toISOString(),
  };
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function routeState(route: RouteEntity, version: ApiVersionEntity, api: ApiEntity, at: Date): EventData<typeof RouteStateV1> {
  if (version.state === 'draft') throw new Error(`route ${route.id} of draft version ${version.id} is not published`);
  return {
    routeId: route.id,
    tenantId: route.tenantId,
    apiId: api.id,
    apiVersionId: version.id,
    apiName: api.name,
    version: version.version,
    audience: api.audience,
    host: version.host,
    methods: route.methods,
    path: route.path,
    stripPrefix: version.basePath === '/' ? '' : version.basePath,
    upstream: {
      targets: version.upstream.targets,
      loadBalancing: version.upstream.loadBalancing,
      timeouts: version.upstream.timeouts,
      retries: version.upstream.retries,
    },
    auth: {
      methods: version.auth.methods,
      requireEncryptedToken: version.auth.requireEncryptedToken || api.requireEncryptedTokens,
      scopes: version.auth.scopes,
    },
    lifecycle: { state: version.state, deprecatedAt: iso(version.deprecatedAt), sunsetAt: iso(version.sunsetAt) },
    kind: version.kind,
    maxBodyBytes: version.maxBodyBytes,
    updatedAt: at.toISOString(),
  };
}

export function planState(plan: PlanEntity): EventData<typeof PlanStateV1> {
  return {
    planId: plan.id,
    tenantId: plan.tenantId,
    apiId: plan.apiId,
    name: plan.name,
    rateLimit: plan.rateLimit,
    quotas: plan.quotas,
    currency: plan.currency,
    updatedAt: plan.updatedAt.toISOString(),
  };
}

export function subscriptionState(subscription: SubscriptionEntity, api: ApiEntity): EventData<typeof SubscriptionStateV1> {
  return {
    subscriptionId: subscription.id,
    tenantId: subscription.tenantId,
    applicationTenantId: subscription.applicationTenantId,
    apiId: subscription.apiId,
    audience: api.audience,
    applicationId: subscription.applicationId,
    planId: subscription.planId,
    status: subscription.status,
    scopes: subscription.scopes,
    updatedAt: subscription.updatedAt.toISOString(),
  };
}

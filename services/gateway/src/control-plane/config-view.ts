import type { AdminPrincipal } from '@gatehouse/auth';
import type { GatewayRuntime } from './gateway-runtime';

interface Listing {
  count: number;
  ids: string[];
}

const listing = <T>(items: Iterable<T>, id: (item: T) => string, visible: (item: T) => boolean): Listing => {
  const ids = [...items].filter(visible).map(id).sort();
  return { count: ids.length, ids };
};

/**
 * The read-only view of what the gateway loaded. A platform admin sees everything; a tenant
 * principal sees only its tenant's routes, subscriptions, plans, applications, API keys,
 * quotas and AI state (ids and names, never a credential), and nothing about keys, upstreams
 * or the usage journal.
 */
export function configView(runtime: GatewayRuntime, principal: AdminPrincipal) {
  const { state, auth, routes, upstreams, usage } = runtime.dataPlane;
  const all = principal.platformAdmin;
  const tenant = principal.tenantId;
  const mine = (owner: string) => all || owner === tenant;
  const view = {
    ready: runtime.isReady,
    caughtUp: runtime.feed.isCaughtUp(),
    lastStateRecordAt: state.lastAppliedAt === 0 ? null : new Date(state.lastAppliedAt).toISOString(),
    routes: listing(state.routes.values(), (route) => route.routeId, (route) => mine(route.tenantId)),
    compiledRoutes: [...routes.routes.values()].filter((route) => mine(route.tenantId)).length,
    subscriptions: listing(state.subscriptions.values(), (subscription) => subscription.subscriptionId, (subscription) => mine(subscription.tenantId) || mine(subscription.applicationTenantId)),
    plans: listing(state.plans.values(), (plan) => plan.planId, (plan) => mine(plan.tenantId)),
    applications: listing(state.applications.values(), (application) => application.applicationId, (application) => mine(application.tenantId)),
    apiKeys: listing(state.apiKeys.values(), (apiKey) => apiKey.apiKeyId, (apiKey) => mine(apiKey.tenantId)),
    quotas: listing(state.quotas.values(), (quota) => quota.quotaKey, (quota) => mine(quota.tenantId)),
    ai: runtime.ai.view(mine),
  };
  if (!all) return view;
  return {
    ...view,
    routeTable: { invalid: routes.table.stats.invalid, conflicts: routes.table.stats.conflicts },
    keys: { verification: { count: auth.keys.size, usable: auth.keys.usableKids().sort() }, decryption: { count: auth.decryptionKeys.size, usable: auth.decryptionKeys.usableKids().sort() } },
    revocations: { count: auth.revocations.size },
    tokenCache: { size: auth.verifier.cacheSize, ...auth.verifier.stats },
    upstreams: [...upstreams.all()].map((upstream) => ({ origin: upstream.origin, circuit: upstream.breaker.state, outstanding: upstream.outstanding })),
    usage: { degraded: usage.isDegraded, buffered: usage.buffered, journalBatches: runtime.dataPlane.usage.journalBatches, journalBytes: runtime.dataPlane.usage.journalBytes },
  };
}

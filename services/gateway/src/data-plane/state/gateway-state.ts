import { type RatePolicy, ratePolicy } from '../limits/rate-limiter';
import type { ApiKeyState, ApplicationState, PlanState, QuotaState, RouteState, SubscriptionState } from './state-types';

const pairKey = (applicationId: string, apiId: string) => `${applicationId}\u0000${apiId}`;

/**
 * Everything the data plane knows about routes, subscriptions, plans, applications, API keys
 * and quotas, rebuilt from the compacted state topics. Each `apply*` takes the record or
 * `null` (a tombstone) and updates its indexes at once; lookups on the request path are Map
 * gets. Route changes are only flagged here: the route table is compiled by the data plane,
 * once per burst of changes.
 */
export class GatewayState {
  readonly routes = new Map<string, RouteState>();
  readonly subscriptions = new Map<string, SubscriptionState>();
  readonly plans = new Map<string, PlanState>();
  readonly applications = new Map<string, ApplicationState>();
  readonly apiKeys = new Map<string, ApiKeyState>();
  readonly quotas = new Map<string, QuotaState>();
  private readonly approved = new Map<string, SubscriptionState>();
  private readonly byPair = new Map<string, Set<string>>();
  private readonly keysByHash = new Map<string, ApiKeyState>();
  private readonly policies = new Map<string, RatePolicy | null>();
  private readonly quotasBySubscription = new Map<string, Set<string>>();
  private readonly routeListeners = new Set<() => void>();
  /** Epoch ms of the last record applied (config staleness). */
  lastAppliedAt = 0;

  onRoutesChanged(listener: () => void): () => void {
    this.routeListeners.add(listener);
    return () => this.routeListeners.delete(listener);
  }

  applyRoute(routeId: string, route: RouteState | null, now = Date.now()): void {
    if (route === null) this.routes.delete(routeId);
    else this.routes.set(routeId, route);
    this.touch(now);
    for (const listener of this.routeListeners) listener();
  }

  applySubscription(subscriptionId: string, subscription: SubscriptionState | null, now = Date.now()): void {
    const previous = this.subscriptions.get(subscriptionId);
    if (subscription === null) this.subscriptions.delete(subscriptionId);
    else this.subscriptions.set(subscriptionId, subscription);
    if (previous) this.reindexPair(previous.applicationId, previous.apiId, subscriptionId, false);
    if (subscription) this.reindexPair(subscription.applicationId, subscription.apiId, subscriptionId, true);
    this.touch(now);
  }

  applyPlan(planId: string, plan: PlanState | null, now = Date.now()): void {
    if (plan === null) this.plans.delete(planId);
    else this.plans.set(planId, plan);
    this.policies.set(planId, plan?.rateLimit ? ratePolicy(planId, plan.rateLimit) : null);
    this.touch(now);
  }

  applyApplication(applicationId: string, application: ApplicationState | null, now = Date.now()): void {
    if (application === null) this.applications.delete(applicationId);
    else this.applications.set(applicationId, application);
    this.touch(now);
  }

  applyApiKey(apiKeyId: string, apiKey: ApiKeyState | null, now = Date.now()): void {
    const previous = this.apiKeys.get(apiKeyId);
    if (previous && this.keysByHash.get(previous.hash) === previous) this.keysByHash.delete(previous.hash);
    if (apiKey === null) this.apiKeys.delete(apiKeyId);
    else {
      this.apiKeys.set(apiKeyId, apiKey);
      this.keysByHash.set(apiKey.hash, apiKey);
    }
    this.touch(now);
  }

  applyQuota(quotaKey: string, quota: QuotaState | null, now = Date.now()): void {
    const previous = this.quotas.get(quotaKey);
    if (previous) this.quotasBySubscription.get(previous.subscriptionId)?.delete(quotaKey);
    if (quota === null) this.quotas.delete(quotaKey);
    else {
      this.quotas.set(quotaKey, quota);
      let keys = this.quotasBySubscription.get(quota.subscriptionId);
      if (!keys) this.quotasBySubscription.set(quota.subscriptionId, (keys = new Set()));
      keys.add(quotaKey);
    }
    this.touch(now);
  }

  /** The approved subscription of an application to an API, if any. */
  approvedSubscription(applicationId: string, apiId: string): SubscriptionState | undefined {
    return this.approved.get(pairKey(applicationId, apiId));
  }

  /** The live API key with this SHA-256 hex hash, if any. */
  apiKeyByHash(hash: string): ApiKeyState | undefined {
    return this.keysByHash.get(hash);
  }

  /** The rate policy of a plan; null when the plan has no rate limit; undefined when unknown. */
  ratePolicy(planId: string): RatePolicy | null | undefined {
    return this.policies.get(planId);
  }

  /** A quota of the subscription that is exceeded for the current period, if any. */
  exceededQuota(subscriptionId: string, now: number): QuotaState | undefined {
    const keys = this.quotasBySubscription.get(subscriptionId);
    if (keys === undefined || keys.size === 0) return undefined;
    for (const key of keys) {
      const quota = this.quotas.get(key)!;
      if (quota.status === 'exceeded' && now < Date.parse(quota.periodEnd) && now >= Date.parse(quota.periodStart)) return quota;
    }
    return undefined;
  }

  private reindexPair(applicationId: string, apiId: string, subscriptionId: string, present: boolean): void {
    const key = pairKey(applicationId, apiId);
    let ids = this.byPair.get(key);
    if (present) {
      if (!ids) this.byPair.set(key, (ids = new Set()));
      ids.add(subscriptionId);
    } else ids?.delete(subscriptionId);
    let chosen: SubscriptionState | undefined;
    for (const id of ids ?? []) {
      const candidate = this.subscriptions.get(id);
      // Several approved subscriptions of one pair should not exist; the newest wins.
      if (candidate?.status === 'approved' && (!chosen || candidate.updatedAt > chosen.updatedAt)) chosen = candidate;
    }
    if (chosen) this.approved.set(key, chosen);
    else this.approved.delete(key);
    if (ids && ids.size === 0) this.byPair.delete(key);
  }

  /** Records that a key or revocation record (held by the auth rings) was applied. */
  recordAuthChange(now = Date.now()): void {
    this.touch(now);
  }

  private touch(now: number): void {
    this.lastAppliedAt = now;
  }
}

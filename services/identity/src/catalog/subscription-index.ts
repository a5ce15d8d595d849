import type { ApiStateV1, EventData, SubscriptionStateV1 } from '@gatehouse/contracts';

export type ApiState = EventData<typeof ApiStateV1>;
export type SubscriptionState = EventData<typeof SubscriptionStateV1>;

export interface Grantable {
  readonly api: ApiState;
  readonly subscription: SubscriptionState;
}

/**
 * The catalog facts the token endpoint needs, held in memory and fed from the compacted
 * `gatehouse.catalog.apis` and `gatehouse.catalog.subscriptions` topics: which audiences an
 * application holds an approved subscription to, with which scopes, and whether the API
 * requires encrypted tokens. Lookups are two Map reads.
 */
export class SubscriptionIndex {
  private readonly apis = new Map<string, ApiState>();
  private readonly byAudience = new Map<string, string>();
  private readonly subscriptions = new Map<string, SubscriptionState>();
  /** applicationId → audience → subscriptionId (approved only). */
  private readonly approved = new Map<string, Map<string, string>>();

  applyApi(state: ApiState | null, apiId: string): void {
    const previous = this.apis.get(apiId);
    if (previous && this.byAudience.get(previous.audience) === apiId) this.byAudience.delete(previous.audience);
    if (state === null) {
      this.apis.delete(apiId);
      return;
    }
    this.apis.set(apiId, state);
    this.byAudience.set(state.audience, apiId);
  }

  /** The API whose audience is `audience`, if known. */
  apiByAudience(audience: string): ApiState | null {
    const apiId = this.byAudience.get(audience);
    return apiId === undefined ? null : (this.apis.get(apiId) ?? null);
  }

  applySubscription(state: SubscriptionState | null, subscriptionId: string): void {
    const previous = this.subscriptions.get(subscriptionId);
    if (previous) {
      const byAudience = this.approved.get(previous.applicationId);
      if (byAudience?.get(previous.audience) === subscriptionId) byAudience.delete(previous.audience);
      if (byAudience?.size === 0) this.approved.delete(previous.applicationId);
      this.subscriptions.delete(subscriptionId);
    }
    if (state === null) return;
    this.subscriptions.set(subscriptionId, state);
    if (state.status !== 'approved') return;
    let byAudience = this.approved.get(state.applicationId);
    if (!byAudience) this.approved.set(state.applicationId, (byAudience = new Map()));
    byAudience.set(state.audience, subscriptionId);
  }

  /**
   * The API and approved subscription behind `audience` for an application of
   * `applicationTenantId`, or null. The API must be known too (fail closed).
   */
  grantable(applicationId: string, applicationTenantId: string, audience: string): Grantable | null {
    const subscriptionId = this.approved.get(applicationId)?.get(audience);
    const subscription = subscriptionId === undefined ? undefined : this.subscriptions.get(subscriptionId);
    if (!subscription || subscription.applicationTenantId !== applicationTenantId) return null;
    const api = this.apis.get(subscription.apiId);
    if (!api || api.audience !== audience || api.tenantId !== subscription.tenantId) return null;
    return { api, subscription };
  }

  /** Approved subscriptions of an application (admin listing). */
  subscriptionsOf(applicationId: string): SubscriptionState[] {
    return [...(this.approved.get(applicationId)?.values() ?? [])].map((id) => this.subscriptions.get(id)!).filter(Boolean);
  }
}

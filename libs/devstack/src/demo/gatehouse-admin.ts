import { AdminClient, ServiceError } from './admin-client';
import type { PlatformUrls } from './platform-urls';
import { retryWhile, waitUntil } from './wait';

export interface Tenant { readonly id: string; readonly name: string; readonly status: string }
export interface Team { readonly id: string; readonly tenantId: string; readonly name: string }
export interface Application { readonly id: string; readonly tenantId: string; readonly teamId: string; readonly name: string; readonly status: string }
export interface ClientSecret { readonly id: string; readonly clientId: string; readonly clientSecret: string }
export interface Api { readonly id: string; readonly tenantId: string; readonly teamId: string; readonly name: string; readonly slug: string; readonly kind: string; readonly audience: string }
export interface Version {
  readonly id: string;
  readonly version: string;
  readonly state: 'draft' | 'published' | 'deprecated' | 'retired';
  readonly basePath: string;
  readonly upstream?: { readonly targets: ReadonlyArray<{ readonly url: string; readonly weight: number }> };
  readonly routes: ReadonlyArray<{ readonly id: string; readonly path: string; readonly methods: readonly string[] }>;
}
export interface Plan { readonly id: string; readonly name: string; readonly archivedAt?: string | null }
export interface Subscription { readonly id: string; readonly apiId: string; readonly applicationId: string; readonly applicationTenantId: string; readonly status: string; readonly planId: string }
export interface Named { readonly id: string; readonly name: string }
export interface Policy { readonly id: string; readonly model: string }
export interface UsageRow { readonly bucket: string; readonly applicationId?: string | null; readonly apiId?: string | null; readonly requests: number; readonly errors: number; readonly rejections: number; readonly latencyAvgMs: number | null; readonly promptTokens: number; readonly completionTokens: number; readonly costMicros: number }

interface Items<T> { readonly items: T[] }

/** The catalog learns teams and applications from identity over Kafka: a 404 for one just created means "not yet". */
const notYetKnown = (error: unknown) => error instanceof ServiceError && error.status === 404;

/**
 * The admin operations of the platform over its public HTTP APIs (identity, catalog, gateway
 * control plane, metering), shared by `npm start`'s demo and the `gatehouse` CLI. Calls that
 * depend on a change another service learns over Kafka wait for it.
 */
export class GatehouseAdmin {
  readonly identity: AdminClient;
  readonly catalog: AdminClient;
  readonly gatewayControl: AdminClient;
  readonly metering: AdminClient;

  constructor(
    readonly urls: PlatformUrls,
    token: () => Promise<string> | string,
  ) {
    this.identity = new AdminClient(urls.identity, token);
    this.catalog = new AdminClient(urls.catalog, token);
    this.gatewayControl = new AdminClient(urls.gatewayControl, token);
    this.metering = new AdminClient(urls.metering, token);
  }

  async findTenant(id: string): Promise<Tenant | undefined> {
    try {
      return await this.identity.get<Tenant>(`/admin/tenants/${encodeURIComponent(id)}`);
    } catch (error) {
      if (notYetKnown(error)) return undefined;
      throw error;
    }
  }

  createTenant(id: string, name: string): Promise<Tenant> {
    return this.identity.post<Tenant>('/admin/tenants', { id, name });
  }

  async teams(tenantId: string): Promise<Team[]> {
    return (await this.identity.get<Items<Team>>(`/admin/tenants/${encodeURIComponent(tenantId)}/teams`)).items;
  }

  createTeam(tenantId: string, name: string): Promise<Team> {
    return this.identity.post<Team>(`/admin/tenants/${encodeURIComponent(tenantId)}/teams`, { name });
  }

  async applications(tenantId: string): Promise<Application[]> {
    return (await this.identity.get<Items<Application>>(`/admin/tenants/${encodeURIComponent(tenantId)}/applications`)).items;
  }

  createApplication(tenantId: string, teamId: string, name: string): Promise<Application> {
    return this.identity.post<Application>(`/admin/tenants/${encodeURIComponent(tenantId)}/applications`, { teamId, name });
  }

  /** A new client secret; identity shows it in this answer only. */
  createSecret(tenantId: string, applicationId: string): Promise<ClientSecret> {
    return this.identity.post<ClientSecret>(`/admin/tenants/${encodeURIComponent(tenantId)}/applications/${encodeURIComponent(applicationId)}/credentials/secrets`, {});
  }

  /** Creates an API, waiting (up to the propagation timeout) while the catalog has not yet learnt the team. */
  createApi(input: { teamId: string; name: string; slug?: string; kind?: 'http' | 'ai' | 'prompt'; visibility?: 'team' | 'tenant' | 'public'; description?: string; autoApprove?: boolean }): Promise<Api> {
    return retryWhile(() => this.catalog.post<Api>('/apis', input), notYetKnown);
  }

  getApi(apiId: string): Promise<Api> {
    return this.catalog.get<Api>(`/apis/${encodeURIComponent(apiId)}`);
  }

  async apis(tenantId: string, query = ''): Promise<Api[]> {
    const q = query ? `&q=${encodeURIComponent(query)}` : '';
    return (await this.catalog.get<Items<Api>>(`/apis?tenant=${encodeURIComponent(tenantId)}&limit=100${q}`)).items;
  }

  createVersion(apiId: string, body: Record<string, unknown>): Promise<Version> {
    return this.catalog.post<Version>(`/apis/${encodeURIComponent(apiId)}/versions`, body);
  }

  async versions(apiId: string): Promise<Version[]> {
    return (await this.catalog.get<Items<Version>>(`/apis/${encodeURIComponent(apiId)}/versions`)).items;
  }

  updateVersion(apiId: string, version: string, body: Record<string, unknown>): Promise<Version> {
    return this.catalog.patch<Version>(`/apis/${encodeURIComponent(apiId)}/versions/${encodeURIComponent(version)}`, body);
  }

  publish(apiId: string, version: string): Promise<unknown> {
    return this.catalog.post(`/apis/${encodeURIComponent(apiId)}/versions/${encodeURIComponent(version)}/publish`, {});
  }

  async plans(apiId: string): Promise<Plan[]> {
    return (await this.catalog.get<Items<Plan>>(`/apis/${encodeURIComponent(apiId)}/plans`)).items.filter((plan) => !plan.archivedAt);
  }

  createPlan(apiId: string, body: Record<string, unknown>): Promise<Plan> {
    return this.catalog.post<Plan>(`/apis/${encodeURIComponent(apiId)}/plans`, body);
  }

  /** Subscribes, waiting while the catalog has not yet learnt the application. */
  subscribe(apiId: string, applicationId: string, planId: string): Promise<Subscription> {
    return retryWhile(() => this.catalog.post<Subscription>(`/apis/${encodeURIComponent(apiId)}/subscriptions`, { applicationId, planId }), notYetKnown);
  }

  async subscriptions(filter: { apiId?: string; applicationId?: string; tenant?: string }): Promise<Subscription[]> {
    const query = new URLSearchParams(Object.entries(filter).filter((entry): entry is [string, string] => !!entry[1]));
    return (await this.catalog.get<Items<Subscription>>(`/subscriptions?${query}`)).items;
  }

  getSubscription(subscriptionId: string): Promise<Subscription> {
    return this.catalog.get<Subscription>(`/subscriptions/${encodeURIComponent(subscriptionId)}`);
  }

  approve(subscriptionId: string): Promise<Subscription> {
    return this.catalog.post<Subscription>(`/subscriptions/${encodeURIComponent(subscriptionId)}/approve`, {});
  }

  /**
   * Waits until an approved subscription is in force: identity issues tokens for it and the
   * gateway has loaded it with the routes of the API's published versions.
   */
  async waitUntilInForce(subscription: Subscription, timeoutMs?: number): Promise<void> {
    const tenant = encodeURIComponent(subscription.applicationTenantId);
    const app = encodeURIComponent(subscription.applicationId);
    await waitUntil(
      async () => {
        const known = await this.identity.get<Items<{ subscriptionId: string }>>(`/admin/tenants/${tenant}/applications/${app}/subscriptions`);
        return known.items.some((item) => item.subscriptionId === subscription.id) || undefined;
      },
      `identity learning subscription ${subscription.id}`,
      timeoutMs,
    );
    const routeIds = (await this.versions(subscription.apiId)).filter((version) => version.state === 'published' || version.state === 'deprecated').flatMap((version) => version.routes.map((route) => route.id));
    await waitUntil(
      async () => {
        const config = await this.gatewayControl.get<{ routes: { ids: string[] }; subscriptions: { ids: string[] } }>('/config');
        const routes = new Set(config.routes.ids);
        return (config.subscriptions.ids.includes(subscription.id) && routeIds.every((id) => routes.has(id))) || undefined;
      },
      `the gateway loading subscription ${subscription.id} and the API's routes`,
      timeoutMs,
    );
  }

  async aiList<T>(kind: 'providers' | 'models' | 'policies', tenantId: string): Promise<T[]> {
    return (await this.catalog.get<Items<T>>(`/ai/${kind}?tenant=${encodeURIComponent(tenantId)}`)).items;
  }

  /** Creates an AI provider, model or policy, waiting while the catalog has not yet learnt the team. */
  aiCreate<T>(kind: 'providers' | 'models' | 'policies', body: Record<string, unknown>): Promise<T> {
    return retryWhile(() => this.catalog.post<T>(`/ai/${kind}`, body), notYetKnown);
  }

  async usage(filter: { from: string; apiId?: string; applicationId?: string; groupBy?: string; granularity?: string; tenant?: string }): Promise<UsageRow[]> {
    const query = new URLSearchParams(Object.entries(filter).filter((entry): entry is [string, string] => !!entry[1]));
    return (await this.metering.get<{ rows: UsageRow[] }>(`/usage?${query}`)).rows;
  }
}

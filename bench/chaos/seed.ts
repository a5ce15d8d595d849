import { randomBytes } from 'node:crypto';
import { AdminClient, clientCredentials, eventually } from './admin-client';
import type { ChaosUrls } from './chaos-platform';

export interface SeededApp {
  readonly id: string;
  readonly secret: string;
  readonly encrypted: boolean;
}

export interface SeededApi {
  readonly id: string;
  readonly audience: string;
  readonly basePath: string;
}

/** One application calling one API: what the traffic cycles through. */
export interface Lane {
  readonly name: string;
  readonly app: SeededApp;
  readonly api: SeededApi;
  readonly method: 'GET' | 'POST';
  /** Request path; `{n}` is replaced by the request's number. */
  readonly path: string;
  readonly body?: string;
}

export interface Seeded {
  readonly tenant: string;
  readonly ownerTeam: string;
  readonly apps: readonly SeededApp[];
  readonly lanes: readonly Lane[];
}

const APPS = [
  { name: 'storefront', encrypted: false },
  { name: 'back-office', encrypted: false },
  { name: 'payments', encrypted: true },
];
const APIS = ['orders', 'inventory'];

/**
 * A tenant with an API-owning team and a consuming team; two published APIs in front of the
 * loopback upstream, each with a generous plan; three applications (one receiving encrypted
 * tokens) subscribed and approved to both. Only through the admin APIs, as an operator would.
 */
export async function seed(urls: ChaosUrls, adminToken: string, upstream: string): Promise<Seeded> {
  const identity = new AdminClient(urls.identity, adminToken);
  const catalog = new AdminClient(urls.catalog, adminToken);
  const tenant = `chaos-${randomBytes(3).toString('hex')}`;
  await identity.post('/admin/tenants', { id: tenant, name: 'Chaos' });
  const owners = await identity.post(`/admin/tenants/${tenant}/teams`, { name: 'platform-apis' });
  const consumers = await identity.post(`/admin/tenants/${tenant}/teams`, { name: 'shop' });
  const apps: SeededApp[] = [];
  for (const app of APPS) {
    const created = await identity.post(`/admin/tenants/${tenant}/applications`, { teamId: consumers.id, name: app.name, allowedScopes: ['read'], requireEncryptedTokens: app.encrypted });
    const secret = await identity.post(`/admin/tenants/${tenant}/applications/${created.id}/credentials/secrets`, {});
    apps.push({ id: created.id, secret: secret.clientSecret, encrypted: app.encrypted });
  }
  const apis: SeededApi[] = [];
  for (const name of APIS) {
    // The catalog learns teams and applications from identity's events: retry until it has.
    const api = await eventually(`catalog to know team ${owners.id}`, () =>
      catalog.request('POST', '/apis', { teamId: owners.id, name: `${name} ${tenant}`, visibility: 'tenant', scopes: ['read'] }, [201, 404]).then((body) => (body?.id ? body : undefined)),
    );
    const basePath = `/${tenant}/${name}/v1`;
    await catalog.post(`/apis/${api.id}/versions`, {
      version: 'v1',
      basePath,
      upstream: { targets: [{ url: upstream, weight: 1 }], retries: { attempts: 0, backoffMs: 0 } },
      routes: [{ path: '/items/{id}', methods: ['GET'] }],
    });
    const plan = await catalog.post(`/apis/${api.id}/plans`, { name: 'Chaos', rateLimit: { requests: 100_000, per: 'second' } });
    await catalog.post(`/apis/${api.id}/versions/v1/publish`, {});
    await subscribeAll(catalog, api.id, plan.id, apps);
    apis.push({ id: api.id, audience: api.audience, basePath });
  }
  const lanes: Lane[] = apps.flatMap((app, index) =>
    apis.map((api) => ({ name: `${APPS[index]!.name}→${api.basePath.split('/')[2]}`, app, api, method: 'GET' as const, path: `${api.basePath}/items/{n}` })),
  );
  await tokensGranted(urls.identity, lanes);
  return { tenant, ownerTeam: owners.id, apps, lanes };
}

/** Identity learns subscriptions from the catalog's events: a token is granted once it has. */
export async function tokensGranted(identity: string, lanes: readonly Lane[]): Promise<void> {
  for (const lane of lanes) await eventually(`a token for ${lane.name}`, () => clientCredentials(identity, lane.app.id, lane.app.secret, lane.api.audience), 60_000, 250);
}

/** Subscribes every application to an API under a plan and approves the subscriptions. */
export async function subscribeAll(catalog: AdminClient, apiId: string, planId: string, apps: readonly SeededApp[]): Promise<void> {
  for (const app of apps) {
    const subscription = await eventually(`catalog to know application ${app.id}`, () =>
      catalog.request('POST', `/apis/${apiId}/subscriptions`, { applicationId: app.id, planId }, [201, 404]).then((body) => (body?.id ? body : undefined)),
    );
    if (subscription.status !== 'approved') await catalog.post(`/subscriptions/${subscription.id}/approve`, {});
  }
}

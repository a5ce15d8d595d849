import type { Api, Application, GatehouseAdmin, Plan, Subscription, Team } from './gatehouse-admin';
import { httpVersionBody, readOpenApiFile } from './openapi-source';

/** The names of everything the demo creates; a second start finds them again by these. */
export const DEMO = {
  tenant: { id: 'demo', name: 'Demo' },
  ownerTeam: 'api-owners',
  consumerTeam: 'app-builders',
  application: 'demo-app',
  echo: { name: 'Echo', slug: 'echo', version: 'v1', basePath: '/demo/echo' },
  plan: { name: 'demo', rateLimit: { requests: 10, per: 'second' }, quotas: [{ metric: 'requests', limit: 1000, period: 'day', warnAt: 0.8 }] },
} as const;

/** What the demo seeding found or created. */
export interface DemoObjects {
  readonly tenantId: string;
  readonly ownerTeam: Team;
  readonly consumerTeam: Team;
  readonly application: Application;
  readonly echoApi: Api;
  readonly echoPlan: Plan;
  readonly echoSubscription: Subscription;
}

/** Finds a team by name in the tenant, or creates it. */
export async function ensureTeam(admin: GatehouseAdmin, tenantId: string, name: string): Promise<Team> {
  return (await admin.teams(tenantId)).find((team) => team.name === name) ?? (await admin.createTeam(tenantId, name));
}

/** The API of the tenant with this slug. */
export async function findApi(admin: GatehouseAdmin, tenantId: string, slug: string): Promise<Api | undefined> {
  return (await admin.apis(tenantId)).find((api) => api.slug === slug);
}

/** Finds a plan by name, or creates it. */
export async function ensurePlan(admin: GatehouseAdmin, apiId: string, plan: { name: string } & Record<string, unknown>): Promise<Plan> {
  return (await admin.plans(apiId)).find((existing) => existing.name === plan.name) ?? (await admin.createPlan(apiId, plan));
}

/** Publishes the version when it is still a draft. */
export async function ensurePublished(admin: GatehouseAdmin, apiId: string, version: string): Promise<void> {
  const found = (await admin.versions(apiId)).find((candidate) => candidate.version === version);
  if (!found) throw new Error(`API ${apiId} has no version ${version}`);
  if (found.state === 'draft') await admin.publish(apiId, version);
  else if (found.state !== 'published') throw new Error(`version ${version} of API ${apiId} is ${found.state}; run npm start -- --clean for a fresh demo`);
}

/** The open (pending or approved) subscription of the application to the API, approved; created when there is none. */
export async function ensureApprovedSubscription(admin: GatehouseAdmin, apiId: string, applicationId: string, planId: string): Promise<Subscription> {
  const open = (await admin.subscriptions({ apiId, applicationId })).find((subscription) => subscription.status === 'pending' || subscription.status === 'approved');
  const subscription = open ?? (await admin.subscribe(apiId, applicationId, planId));
  return subscription.status === 'approved' ? subscription : admin.approve(subscription.id);
}

/**
 * Creates (or, on a later start, finds and updates) the demo tenant, its two teams, an
 * application, the Echo API from `openapiFile` in front of `echoUrl` with a plan, and an
 * approved subscription. Only public admin HTTP APIs are used.
 */
export async function seedHttpDemo(admin: GatehouseAdmin, input: { echoUrl: string; openapiFile: string }): Promise<DemoObjects> {
  const tenantId = DEMO.tenant.id;
  if (!(await admin.findTenant(tenantId))) await admin.createTenant(tenantId, DEMO.tenant.name);
  const ownerTeam = await ensureTeam(admin, tenantId, DEMO.ownerTeam);
  const consumerTeam = await ensureTeam(admin, tenantId, DEMO.consumerTeam);
  const application =
    (await admin.applications(tenantId)).find((candidate) => candidate.name === DEMO.application && candidate.status !== 'deleted') ??
    (await admin.createApplication(tenantId, consumerTeam.id, DEMO.application));

  let echoApi = await findApi(admin, tenantId, DEMO.echo.slug);
  if (!echoApi) {
    const source = await readOpenApiFile(input.openapiFile);
    echoApi = await admin.createApi({ teamId: ownerTeam.id, name: DEMO.echo.name, slug: DEMO.echo.slug, visibility: 'tenant', description: 'The echo service npm start runs' });
    await admin.createVersion(echoApi.id, httpVersionBody({ version: DEMO.echo.version, basePath: DEMO.echo.basePath, upstream: input.echoUrl, openapi: source.text }));
  } else {
    // The echo service may listen on another port than last time.
    const version = (await admin.versions(echoApi.id)).find((candidate) => candidate.version === DEMO.echo.version);
    if (version && version.upstream?.targets[0]?.url.replace(/\/+$/, '') !== input.echoUrl) {
      await admin.updateVersion(echoApi.id, DEMO.echo.version, { upstream: { targets: [{ url: input.echoUrl, weight: 1 }] } });
    }
  }
  const echoPlan = await ensurePlan(admin, echoApi.id, { ...DEMO.plan, description: '10 requests per second, 1000 per day' });
  await ensurePublished(admin, echoApi.id, DEMO.echo.version);
  const echoSubscription = await ensureApprovedSubscription(admin, echoApi.id, application.id, echoPlan.id);
  return { tenantId, ownerTeam, consumerTeam, application, echoApi, echoPlan, echoSubscription };
}

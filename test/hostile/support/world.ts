import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, startTestPlatform, type TestPlatform } from '../../e2e/support/platform';
import { type Answer, expectOk, send } from './send';

export const PASSWORD = 'hostile input suite passphrase';

export interface TenantWorld {
  readonly tenantId: string;
  readonly teamId: string;
  readonly ownerId: string;
  readonly ownerEmail: string;
  /** Member access token (audience urn:gatehouse:admin) of the team owner. */
  readonly ownerToken: string;
  readonly refreshToken: string;
  readonly viewerId: string;
  readonly viewerToken: string;
  readonly applicationId: string;
  readonly clientSecret: string;
  readonly credentialId: string;
}

export interface ApiWorld {
  readonly apiId: string;
  readonly audience: string;
  readonly planId: string;
  readonly basePath: string;
}

/** Retries a call until it answers one of the statuses (the services learn of each other through Kafka). */
export async function until(call: () => Promise<Answer>, what: string, statuses: number[] = [200, 201], timeoutMs = 30_000): Promise<any> {
  const { value } = await eventually(
    async () => {
      const answer = await call();
      if (statuses.includes(answer.status)) return answer.json ?? null;
      throw new Error(`${answer.status}: ${answer.text.slice(0, 300)}`);
    },
    what,
    timeoutMs,
    100,
  );
  return value;
}

/** Member login through the password grant of the first-party client. */
export async function login(platform: TestPlatform, email: string, password = PASSWORD): Promise<{ access_token: string; refresh_token: string }> {
  const answer = await send('POST', `${platform.urls.identity}/oauth2/token`, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: 'gatehouse-cli', username: email, password }).toString(),
  });
  if (answer.status !== 200) throw new Error(`login ${email} → ${answer.status}: ${answer.text}`);
  return answer.json;
}

/** A tenant with a team, an owner and a viewer (logged in), and an application with a client secret. */
export async function createTenant(platform: TestPlatform, tenantId: string, application: { requireEncryptedTokens?: boolean } = {}): Promise<TenantWorld> {
  const identity = platform.urls.identity;
  const root = platform.adminToken;
  await expectOk(send('POST', `${identity}/admin/tenants`, { token: root, json: { id: tenantId, name: `Tenant ${tenantId}` } }), 201);
  const team = await expectOk(send('POST', `${identity}/admin/tenants/${tenantId}/teams`, { token: root, json: { name: 'core' } }), 201);
  const ownerEmail = `owner@${tenantId}.test`;
  const owner = await expectOk(
    send('POST', `${identity}/admin/tenants/${tenantId}/members`, { token: root, json: { email: ownerEmail, displayName: 'Owner', password: PASSWORD, teams: [{ teamId: team.id, role: 'owner' }] } }),
    201,
  );
  const viewer = await expectOk(
    send('POST', `${identity}/admin/tenants/${tenantId}/members`, {
      token: root,
      json: { email: `viewer@${tenantId}.test`, displayName: 'Viewer', password: PASSWORD, teams: [{ teamId: team.id, role: 'viewer' }] },
    }),
    201,
  );
  const session = await login(platform, ownerEmail);
  const viewerSession = await login(platform, `viewer@${tenantId}.test`);
  const app = await expectOk(
    send('POST', `${identity}/admin/tenants/${tenantId}/applications`, {
      token: session.access_token,
      json: { teamId: team.id, name: 'client', allowedScopes: ['read'], requireEncryptedTokens: application.requireEncryptedTokens ?? false },
    }),
    201,
  );
  const secret = await expectOk(send('POST', `${identity}/admin/tenants/${tenantId}/applications/${app.id}/credentials/secrets`, { token: session.access_token, json: {} }), 201);
  return {
    tenantId,
    teamId: team.id,
    ownerId: owner.id,
    ownerEmail,
    ownerToken: session.access_token,
    refreshToken: session.refresh_token,
    viewerId: viewer.id,
    viewerToken: viewerSession.access_token,
    applicationId: app.id,
    clientSecret: secret.clientSecret,
    credentialId: secret.id,
  };
}

/** Another application of the tenant's team, with its own secret. */
export async function createApplication(platform: TestPlatform, tenant: TenantWorld, name: string, requireEncryptedTokens = false): Promise<{ applicationId: string; clientSecret: string }> {
  const base = `${platform.urls.identity}/admin/tenants/${tenant.tenantId}/applications`;
  const app = await expectOk(send('POST', base, { token: tenant.ownerToken, json: { teamId: tenant.teamId, name, allowedScopes: ['read'], requireEncryptedTokens } }), 201);
  const secret = await expectOk(send('POST', `${base}/${app.id}/credentials/secrets`, { token: tenant.ownerToken, json: {} }), 201);
  return { applicationId: app.id, clientSecret: secret.clientSecret };
}

/**
 * A published http API of the tenant's team in front of `upstreamUrl`: every method on
 * `<basePath>/{rest*}`, one plan without limits, subscriptions approved at once.
 */
export async function publishApi(
  platform: TestPlatform,
  tenant: TenantWorld,
  slug: string,
  upstreamUrl: string,
  options: { visibility?: 'team' | 'tenant' | 'public'; requireEncryptedTokens?: boolean; authMethods?: Array<'bearer' | 'api_key'> } = {},
): Promise<ApiWorld> {
  const catalog = platform.urls.catalog;
  const token = tenant.ownerToken;
  const api = await until(
    () =>
      send('POST', `${catalog}/apis`, {
        token,
        json: {
          teamId: tenant.teamId,
          name: slug,
          slug,
          visibility: options.visibility ?? 'tenant',
          autoApprove: true,
          scopes: ['read'],
          requireEncryptedTokens: options.requireEncryptedTokens ?? false,
        },
      }),
    `catalog knows team ${tenant.teamId}`,
    [201],
  );
  const plan = await expectOk(send('POST', `${catalog}/apis/${api.id}/plans`, { token, json: { name: 'open' } }), 201);
  const basePath = `/${tenant.tenantId}-${slug}`;
  await expectOk(
    send('POST', `${catalog}/apis/${api.id}/versions`, {
      token,
      json: {
        version: 'v1',
        basePath,
        upstream: { targets: [{ url: upstreamUrl, weight: 1 }], retries: { attempts: 0, backoffMs: 0 } },
        auth: { methods: options.authMethods ?? ['bearer'] },
        routes: [{ path: '/{rest*}', methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] }],
      },
    }),
    201,
  );
  await expectOk(send('POST', `${catalog}/apis/${api.id}/versions/v1/publish`, { token, json: {} }), 200);
  return { apiId: api.id, audience: api.audience, planId: plan.id, basePath };
}

/** Subscribes an application of the tenant (approved at once) and returns the subscription id. */
export async function subscribe(platform: TestPlatform, tenant: TenantWorld, api: ApiWorld, applicationId: string): Promise<string> {
  const subscription = await until(
    () => send('POST', `${platform.urls.catalog}/apis/${api.apiId}/subscriptions`, { token: tenant.ownerToken, json: { applicationId, planId: api.planId } }),
    `catalog knows application ${applicationId}`,
    [201],
  );
  return subscription.id;
}

/** A `client_credentials` access token for the API (waits until identity learned the subscription). */
export async function accessToken(platform: TestPlatform, clientId: string, clientSecret: string, audience: string): Promise<string> {
  const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64');
  const body = await until(
    () =>
      send('POST', `${platform.urls.identity}/oauth2/token`, {
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', resource: audience }).toString(),
      }),
    `identity issues a token of ${clientId} for ${audience}`,
    [200],
  );
  return body.access_token;
}

/** Waits until the gateway serves `path` with the token (it learns routes and subscriptions from Kafka). */
export async function waitServed(platform: TestPlatform, path: string, token: string): Promise<void> {
  await until(() => send('GET', `${platform.urls.gateway}${path}`, { token }), `gateway serves ${path}`, [200]);
}

/** HTTP Basic credentials of a client for identity's OAuth endpoints. */
export const basicAuth = (clientId: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;

/** Every service answers its readiness probe with 200. */
export async function allReady(platform: TestPlatform): Promise<Record<string, number>> {
  const statuses: Record<string, number> = {};
  for (const [name, base] of Object.entries(platform.urls)) {
    if (name === 'gateway') continue;
    statuses[name] = (await fetch(`${base}/health/ready`)).status;
  }
  return statuses;
}

/** A new API key of the tenant's application (the only time its secret is shown). */
export async function createApiKey(platform: TestPlatform, tenant: TenantWorld): Promise<{ id: string; apiKey: string }> {
  const created = await expectOk(
    send('POST', `${platform.urls.identity}/admin/tenants/${tenant.tenantId}/applications/${tenant.applicationId}/api-keys`, { token: tenant.ownerToken, json: { scopes: ['read'] } }),
    201,
  );
  return { id: created.id, apiKey: created.apiKey };
}

/**
 * The lead's test platform with this file's own gateway usage journal: the gateway's default
 * journal directory is relative to the working directory and locked by one process, so two
 * platforms started from the repository at once would refuse each other.
 */
export async function startHostilePlatform(label: string, extraEnv: Record<string, string> = {}): Promise<TestPlatform> {
  const journal = await mkdtemp(join(tmpdir(), `gatehouse-${label}-journal-`));
  const platform = await startTestPlatform(label, { GATEWAY_JOURNAL_DIR: journal, ...extraEnv });
  return {
    ...platform,
    async stop() {
      await platform.stop();
      await rm(journal, { recursive: true, force: true });
    },
  };
}

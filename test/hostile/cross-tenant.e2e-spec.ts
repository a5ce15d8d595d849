import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestPlatform } from '../e2e/support/platform';
import { CountingUpstream } from './support/counting-upstream';
import { expectOk, send } from './support/send';
import { attackerKey } from './support/token-forge';
import {
  accessToken,
  type ApiWorld,
  basicAuth,
  createApiKey,
  createTenant,
  login,
  PASSWORD,
  publishApi,
  startHostilePlatform,
  subscribe,
  type TenantWorld,
  until,
  waitServed,
} from './support/world';

/**
 * The owner of tenant B (the strongest member role there is outside the platform tenant)
 * against every admin endpoint that names a resource of tenant A, in identity, catalog, keys,
 * metering and the gateway's control plane: each answers as if the resource did not exist
 * (404; 403 where only the platform admin may act at all), and nothing of tenant A changes.
 */

interface Attempt {
  readonly method: string;
  readonly url: string;
  readonly body?: unknown;
  readonly raw?: { body: string; contentType: string };
  /** Accepted statuses; 404 unless the documentation says otherwise. */
  readonly expect?: number[];
}

describe('cross-tenant access on every admin endpoint', () => {
  let platform: TestPlatform;
  const upstream = new CountingUpstream();
  let a: TenantWorld;
  let b: TenantWorld;
  let apiA: ApiWorld;
  let publicApiA: ApiWorld;
  let apiB: ApiWorld;
  let subscriptionA: string;
  let apiKeyA: { id: string; apiKey: string };
  let apiKeyB: { id: string; apiKey: string };
  let keySetA: { id: string; kid: string };
  let providerA: string;
  let modelA: string;
  let policyA: string;
  let tokenA: string;

  beforeAll(async () => {
    const upstreamUrl = await upstream.start();
    platform = await startHostilePlatform('hostile-cross-tenant');
    [a, b] = await Promise.all([createTenant(platform, 'tenant-a'), createTenant(platform, 'tenant-b')]);
    [apiA, publicApiA, apiB] = await Promise.all([
      publishApi(platform, a, 'ledger', upstreamUrl, { authMethods: ['bearer', 'api_key'] }),
      publishApi(platform, a, 'catalogue', upstreamUrl, { visibility: 'public' }),
      publishApi(platform, b, 'ledger', upstreamUrl),
    ]);
    [subscriptionA] = await Promise.all([subscribe(platform, a, apiA, a.applicationId), subscribe(platform, b, apiB, b.applicationId)]);
    [apiKeyA, apiKeyB] = await Promise.all([createApiKey(platform, a), createApiKey(platform, b)]);
    const set = await expectOk(send('POST', `${platform.urls.keys}/admin/key-sets`, { token: platform.adminToken, json: { purpose: 'access-token-signing', tenantId: a.tenantId } }), 201);
    keySetA = { id: set.id, kid: set.keys[0].kid };
    const catalog = platform.urls.catalog;
    providerA = (await expectOk(send('POST', `${catalog}/ai/providers`, { token: a.ownerToken, json: { teamId: a.teamId, name: 'local', type: 'openai-compatible', baseUrl: upstreamUrl } }), 201)).id;
    modelA = (await expectOk(send('POST', `${catalog}/ai/models`, { token: a.ownerToken, json: { teamId: a.teamId, name: 'small', providerId: providerA, upstreamModel: 'small-1', contextWindow: 8192 } }), 201)).id;
    policyA = (await expectOk(send('POST', `${catalog}/ai/policies`, { token: a.ownerToken, json: { teamId: a.teamId, model: 'smart', targets: [{ providerId: providerA, modelId: modelA, weight: 1 }] } }), 201)).id;
    tokenA = await accessToken(platform, a.applicationId, a.clientSecret, apiA.audience);
    await waitServed(platform, `${apiA.basePath}/ready`, tokenA);
  }, 240_000);

  afterAll(async () => {
    await platform?.stop();
    await upstream.stop();
  });

  /** Everything of tenant A, read by the platform admin: must be identical before and after the attempts. */
  async function snapshotOfA(): Promise<Record<string, unknown>> {
    const identity = `${platform.urls.identity}/admin/tenants/${a.tenantId}`;
    const app = `${identity}/applications/${a.applicationId}`;
    const catalog = platform.urls.catalog;
    const urls = [
      identity,
      `${identity}/teams`,
      `${identity}/teams/${a.teamId}/members`,
      `${identity}/members`,
      `${identity}/applications`,
      `${app}/credentials`,
      `${app}/api-keys`,
      `${app}/subscriptions`,
      `${catalog}/apis?tenant=${a.tenantId}`,
      `${catalog}/apis/${apiA.apiId}`,
      `${catalog}/apis/${publicApiA.apiId}`,
      `${catalog}/apis/${apiA.apiId}/versions`,
      `${catalog}/apis/${apiA.apiId}/plans`,
      `${catalog}/subscriptions?tenant=${a.tenantId}`,
      `${catalog}/ai/providers?tenant=${a.tenantId}`,
      `${catalog}/ai/models?tenant=${a.tenantId}`,
      `${catalog}/ai/policies?tenant=${a.tenantId}`,
      `${platform.urls.keys}/admin/key-sets?tenant=${a.tenantId}`,
      `${platform.urls.keys}/admin/key-sets/${keySetA.id}/keys`,
      `${platform.urls.keys}/admin/key-sets/platform-access-token-signing`,
    ];
    const snapshot: Record<string, unknown> = {};
    for (const url of urls) snapshot[url] = await expectOk(send('GET', url, { token: platform.adminToken }), 200);
    return snapshot;
  }

  function attempts(): Attempt[] {
    const I = `${platform.urls.identity}/admin/tenants`;
    const A = `${I}/${a.tenantId}`;
    const B = `${I}/${b.tenantId}`;
    const appA = `${A}/applications/${a.applicationId}`;
    const appAUnderB = `${B}/applications/${a.applicationId}`;
    const C = platform.urls.catalog;
    const api = `${C}/apis/${apiA.apiId}`;
    const pub = `${C}/apis/${publicApiA.apiId}`;
    const K = `${platform.urls.keys}/admin`;
    const set = `${K}/key-sets/${keySetA.id}`;
    const platformSet = `${K}/key-sets/platform-access-token-signing`;
    const M = `${platform.urls.metering}/usage?from=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}`;
    const jwk = attackerKey('ES256').publicJwk;
    const member = { email: 'mole@tenant-a.test', displayName: 'Mole', password: PASSWORD };
    return [
      // identity: the tenant, its teams, members, applications, credentials and API keys
      { method: 'GET', url: A },
      { method: 'PATCH', url: A, body: { name: 'taken over' } },
      { method: 'PATCH', url: A, body: { status: 'suspended' } },
      { method: 'GET', url: `${A}/teams` },
      { method: 'POST', url: `${A}/teams`, body: { name: 'intruders' } },
      { method: 'GET', url: `${A}/teams/${a.teamId}` },
      { method: 'PATCH', url: `${A}/teams/${a.teamId}`, body: { name: 'renamed' } },
      { method: 'DELETE', url: `${A}/teams/${a.teamId}` },
      { method: 'GET', url: `${A}/teams/${a.teamId}/members` },
      { method: 'PUT', url: `${A}/teams/${a.teamId}/members/${b.ownerId}`, body: { role: 'owner' } },
      { method: 'PUT', url: `${A}/teams/${a.teamId}/members/${a.viewerId}`, body: { role: 'owner' } },
      { method: 'DELETE', url: `${A}/teams/${a.teamId}/members/${a.ownerId}` },
      { method: 'GET', url: `${B}/teams/${a.teamId}` },
      { method: 'PATCH', url: `${B}/teams/${a.teamId}`, body: { name: 'renamed' } },
      { method: 'DELETE', url: `${B}/teams/${a.teamId}` },
      { method: 'GET', url: `${B}/teams/${a.teamId}/members` },
      { method: 'PUT', url: `${B}/teams/${a.teamId}/members/${b.ownerId}`, body: { role: 'owner' } },
      { method: 'PUT', url: `${B}/teams/${b.teamId}/members/${a.ownerId}`, body: { role: 'viewer' } },
      { method: 'GET', url: `${A}/members` },
      { method: 'POST', url: `${A}/members`, body: member },
      { method: 'POST', url: `${B}/members`, body: { ...member, email: 'mole2@tenant-b.test', teams: [{ teamId: a.teamId, role: 'owner' }] } },
      { method: 'GET', url: `${A}/members/${a.ownerId}` },
      { method: 'PATCH', url: `${A}/members/${a.ownerId}`, body: { password: 'a brand new password' } },
      { method: 'PATCH', url: `${A}/members/${a.ownerId}`, body: { status: 'disabled' } },
      { method: 'DELETE', url: `${A}/members/${a.viewerId}` },
      { method: 'GET', url: `${B}/members/${a.ownerId}` },
      { method: 'PATCH', url: `${B}/members/${a.ownerId}`, body: { password: 'a brand new password' } },
      { method: 'DELETE', url: `${B}/members/${a.viewerId}` },
      { method: 'GET', url: `${A}/applications` },
      { method: 'POST', url: `${A}/applications`, body: { teamId: a.teamId, name: 'mole' } },
      { method: 'POST', url: `${B}/applications`, body: { teamId: a.teamId, name: 'mole' } },
      { method: 'GET', url: appA },
      { method: 'PATCH', url: appA, body: { allowedScopes: ['read', 'admin'] } },
      { method: 'DELETE', url: appA },
      { method: 'POST', url: `${appA}/suspend` },
      { method: 'POST', url: `${appA}/reactivate` },
      { method: 'POST', url: `${appA}/revoke-tokens` },
      { method: 'GET', url: `${appA}/subscriptions` },
      { method: 'GET', url: appAUnderB },
      { method: 'PATCH', url: appAUnderB, body: { name: 'renamed' } },
      { method: 'DELETE', url: appAUnderB },
      { method: 'POST', url: `${appAUnderB}/suspend` },
      { method: 'POST', url: `${appAUnderB}/revoke-tokens` },
      { method: 'GET', url: `${appAUnderB}/subscriptions` },
      { method: 'GET', url: `${appA}/credentials` },
      { method: 'POST', url: `${appA}/credentials/secrets`, body: {} },
      { method: 'POST', url: `${appA}/credentials/jwks`, body: { jwks: { keys: [jwk] } } },
      { method: 'DELETE', url: `${appA}/credentials/${a.credentialId}` },
      { method: 'GET', url: `${appAUnderB}/credentials` },
      { method: 'POST', url: `${appAUnderB}/credentials/secrets`, body: {} },
      { method: 'POST', url: `${appAUnderB}/credentials/jwks`, body: { jwks: { keys: [jwk] } } },
      { method: 'DELETE', url: `${appAUnderB}/credentials/${a.credentialId}` },
      { method: 'DELETE', url: `${B}/applications/${b.applicationId}/credentials/${a.credentialId}` },
      { method: 'GET', url: `${appA}/api-keys` },
      { method: 'POST', url: `${appA}/api-keys`, body: {} },
      { method: 'DELETE', url: `${appA}/api-keys/${apiKeyA.id}` },
      { method: 'GET', url: `${appAUnderB}/api-keys` },
      { method: 'POST', url: `${appAUnderB}/api-keys`, body: {} },
      { method: 'DELETE', url: `${B}/applications/${b.applicationId}/api-keys/${apiKeyA.id}` },
      // catalog: APIs (private and public), versions, documents, plans, subscriptions
      { method: 'GET', url: `${C}/apis?tenant=${a.tenantId}` },
      { method: 'GET', url: `${C}/subscriptions?tenant=${a.tenantId}` },
      { method: 'GET', url: api },
      { method: 'PATCH', url: api, body: { visibility: 'public' } },
      { method: 'DELETE', url: api },
      { method: 'GET', url: `${api}/versions` },
      { method: 'POST', url: `${api}/versions`, body: { version: 'v2', basePath: '/mole', upstream: { targets: [{ url: 'http://127.0.0.1:1', weight: 1 }] }, routes: [{ path: '/x', methods: ['GET'] }] } },
      { method: 'GET', url: `${api}/versions/v1` },
      { method: 'PATCH', url: `${api}/versions/v1`, body: { upstream: { targets: [{ url: 'http://127.0.0.1:1', weight: 1 }] } } },
      { method: 'DELETE', url: `${api}/versions/v1` },
      { method: 'GET', url: `${api}/versions/v1/openapi` },
      { method: 'PUT', url: `${api}/versions/v1/openapi`, raw: { body: 'openapi: 3.0.3\ninfo: {title: x, version: "1"}\npaths: {}\n', contentType: 'application/yaml' } },
      { method: 'GET', url: `${api}/versions/v1/diff?against=v1` },
      { method: 'POST', url: `${api}/versions/v1/publish`, body: {} },
      { method: 'POST', url: `${api}/versions/v1/deprecate`, body: { sunsetAt: new Date(Date.now() + 86_400_000).toISOString() } },
      { method: 'POST', url: `${api}/versions/v1/retire` },
      { method: 'GET', url: `${api}/plans` },
      { method: 'POST', url: `${api}/plans`, body: { name: 'mole' } },
      { method: 'GET', url: `${api}/plans/${apiA.planId}` },
      { method: 'PATCH', url: `${api}/plans/${apiA.planId}`, body: { rateLimit: { requests: 1, per: 'minute' } } },
      { method: 'DELETE', url: `${api}/plans/${apiA.planId}` },
      { method: 'POST', url: `${api}/subscriptions`, body: { applicationId: b.applicationId, planId: apiA.planId } },
      { method: 'GET', url: `${api}/subscriptions` },
      { method: 'GET', url: `${C}/subscriptions/${subscriptionA}` },
      { method: 'POST', url: `${C}/subscriptions/${subscriptionA}/approve`, body: {} },
      { method: 'POST', url: `${C}/subscriptions/${subscriptionA}/reject`, body: {} },
      { method: 'POST', url: `${C}/subscriptions/${subscriptionA}/revoke`, body: {} },
      { method: 'POST', url: `${C}/subscriptions/${subscriptionA}/cancel`, body: {} },
      { method: 'PATCH', url: pub, body: { name: 'defaced' } },
      { method: 'DELETE', url: pub },
      { method: 'POST', url: `${pub}/versions`, body: { version: 'v2', basePath: '/mole', upstream: { targets: [{ url: 'http://127.0.0.1:1', weight: 1 }] }, routes: [{ path: '/x', methods: ['GET'] }] } },
      { method: 'PATCH', url: `${pub}/versions/v1`, body: { upstream: { targets: [{ url: 'http://127.0.0.1:1', weight: 1 }] } } },
      { method: 'POST', url: `${pub}/versions/v1/deprecate`, body: { sunsetAt: new Date(Date.now() + 86_400_000).toISOString() } },
      { method: 'POST', url: `${pub}/plans`, body: { name: 'mole' } },
      { method: 'PATCH', url: `${pub}/plans/${publicApiA.planId}`, body: { name: 'mole' } },
      { method: 'POST', url: `${C}/apis`, body: { teamId: a.teamId, name: 'planted' } },
      // catalog AI: providers, models, policies of tenant A; platform-only master key
      { method: 'GET', url: `${C}/ai/providers?tenant=${a.tenantId}` },
      { method: 'GET', url: `${C}/ai/providers/${providerA}` },
      { method: 'PATCH', url: `${C}/ai/providers/${providerA}`, body: { baseUrl: 'http://127.0.0.1:1' } },
      { method: 'DELETE', url: `${C}/ai/providers/${providerA}` },
      { method: 'GET', url: `${C}/ai/models?tenant=${a.tenantId}` },
      { method: 'GET', url: `${C}/ai/models/${modelA}` },
      { method: 'PATCH', url: `${C}/ai/models/${modelA}`, body: { upstreamModel: 'other' } },
      { method: 'DELETE', url: `${C}/ai/models/${modelA}` },
      { method: 'GET', url: `${C}/ai/policies?tenant=${a.tenantId}` },
      { method: 'GET', url: `${C}/ai/policies/${policyA}` },
      { method: 'PATCH', url: `${C}/ai/policies/${policyA}`, body: { retries: 3 } },
      { method: 'DELETE', url: `${C}/ai/policies/${policyA}` },
      { method: 'POST', url: `${C}/ai/providers`, body: { teamId: a.teamId, name: 'planted', type: 'openai-compatible', baseUrl: 'http://127.0.0.1:1' } },
      { method: 'POST', url: `${C}/ai/models`, body: { teamId: b.teamId, name: 'borrowed', providerId: providerA, upstreamModel: 'x', contextWindow: 10 }, expect: [400] },
      { method: 'POST', url: `${C}/ai/policies`, body: { teamId: b.teamId, model: 'borrowed', targets: [{ providerId: providerA, modelId: modelA, weight: 1 }] }, expect: [400] },
      { method: 'GET', url: `${C}/ai/master-key`, expect: [403, 404] },
      { method: 'POST', url: `${C}/ai/master-key/rotate`, expect: [403, 404] },
      // keys: tenant A's key set, the platform's sets, the audit log, the master key
      { method: 'GET', url: `${K}/key-sets?tenant=${a.tenantId}` },
      { method: 'POST', url: `${K}/key-sets`, body: { purpose: 'access-token-encryption', tenantId: a.tenantId } },
      { method: 'GET', url: set },
      { method: 'PATCH', url: `${set}/policy`, body: { rotationPeriodSeconds: 86_400 } },
      { method: 'GET', url: `${set}/keys` },
      { method: 'GET', url: `${set}/keys/${keySetA.kid}` },
      { method: 'POST', url: `${set}/rotate` },
      { method: 'POST', url: `${set}/keys/${keySetA.kid}/revoke`, body: { reason: 'hostile' } },
      { method: 'GET', url: platformSet },
      { method: 'GET', url: `${platformSet}/keys` },
      { method: 'PATCH', url: `${platformSet}/policy`, body: { rotationPeriodSeconds: 86_400 } },
      { method: 'POST', url: `${platformSet}/rotate` },
      { method: 'GET', url: `${K}/key-sets?tenant=platform` },
      { method: 'GET', url: `${K}/audit?tenant=${a.tenantId}` },
      { method: 'GET', url: `${K}/audit?keySetId=${keySetA.id}` },
      { method: 'GET', url: `${K}/master-key`, expect: [403, 404] },
      { method: 'POST', url: `${K}/master-key/rotate`, expect: [403, 404] },
      // metering: usage of tenant A, its application, its API
      { method: 'GET', url: `${M}&tenant=${a.tenantId}` },
      { method: 'GET', url: `${M}&applicationId=${a.applicationId}` },
      { method: 'GET', url: `${M}&apiId=${apiA.apiId}` },
      { method: 'GET', url: `${M}&apiId=${apiA.apiId}&format=csv` },
      { method: 'GET', url: `${M}&routeId=${apiA.apiId}&tenant=${a.tenantId}&groupBy=application` },
    ];
  }

  async function attempt(entry: Attempt, token: string) {
    if (entry.raw) return send(entry.method, entry.url, { token, body: entry.raw.body, headers: { 'content-type': entry.raw.contentType } });
    return send(entry.method, entry.url, { token, ...(entry.body === undefined ? {} : { json: entry.body }) });
  }

  it("answers 404 (403 for platform-only endpoints) to tenant B's owner on every endpoint of tenant A, and changes nothing", async () => {
    const before = await snapshotOfA();
    const list = attempts();
    expect(list.length).toBeGreaterThan(120);
    const failures: string[] = [];
    for (const entry of list) {
      const answer = await attempt(entry, b.ownerToken);
      const expected = entry.expect ?? [404];
      if (!expected.includes(answer.status)) failures.push(`${entry.method} ${entry.url.replace(/^http:\/\/[^/]+/, '')} → ${answer.status} ${answer.text.slice(0, 160)}`);
      else if (typeof answer.json?.error !== 'string' || typeof answer.json?.message !== 'string') failures.push(`${entry.method} ${entry.url} → body ${answer.text.slice(0, 160)}`);
      for (const secret of [a.clientSecret, apiKeyA.apiKey, tokenA]) if (answer.text.includes(secret)) failures.push(`${entry.method} ${entry.url} leaks a secret of tenant A`);
    }
    expect(failures).toEqual([]);
    expect(await snapshotOfA()).toEqual(before);
  });

  it('lists only what tenant B may see: no private API, subscription, key set or config entry of tenant A', async () => {
    const apis = await expectOk(send('GET', `${platform.urls.catalog}/apis`, { token: b.ownerToken }), 200);
    const apiIds = (apis.items as Array<{ id: string }>).map((item) => item.id);
    expect(apiIds).not.toContain(apiA.apiId);
    expect(apiIds).toContain(publicApiA.apiId);
    const tenants = await expectOk(send('GET', `${platform.urls.identity}/admin/tenants`, { token: b.ownerToken }), 200);
    expect(JSON.stringify(tenants)).not.toContain(a.tenantId);
    const subscriptions = await expectOk(send('GET', `${platform.urls.catalog}/subscriptions`, { token: b.ownerToken }), 200);
    expect(JSON.stringify(subscriptions)).not.toContain(subscriptionA);
    const keySets = await expectOk(send('GET', `${platform.urls.keys}/admin/key-sets`, { token: b.ownerToken }), 200);
    expect(JSON.stringify(keySets)).not.toContain(keySetA.id);
    expect(JSON.stringify(keySets)).not.toContain('platform-access-token');
    // The audit log is filtered to the caller's tenant: A's kid finds nothing, as an unknown kid would.
    expect(await expectOk(send('GET', `${platform.urls.keys}/admin/audit?kid=${keySetA.kid}`, { token: b.ownerToken }), 200)).toEqual({ entries: [], next: null });
    const audit = await expectOk(send('GET', `${platform.urls.keys}/admin/audit`, { token: b.ownerToken }), 200);
    expect(JSON.stringify(audit)).not.toMatch(new RegExp(`${keySetA.id}|${a.tenantId}`));
    for (const resource of ['ai/providers', 'ai/models', 'ai/policies']) {
      const listed = await expectOk(send('GET', `${platform.urls.catalog}/${resource}`, { token: b.ownerToken }), 200);
      expect(JSON.stringify(listed)).not.toMatch(new RegExp(`${providerA}|${modelA}|${policyA}`));
    }
    const usage = await expectOk(send('GET', `${platform.urls.metering}/usage?from=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}&groupBy=application,api`, { token: b.ownerToken }), 200);
    expect(JSON.stringify(usage)).not.toMatch(new RegExp(`${a.applicationId}|${apiA.apiId}`));
    const config = await send('GET', `${platform.urls.gatewayControl}/config`, { token: b.ownerToken });
    expect(config.status).toBe(200);
    expect(config.text).not.toMatch(new RegExp(`${a.applicationId}|${apiA.apiId}|${subscriptionA}|${a.tenantId}`));
  });

  it("keeps tenant A's OAuth clients and tokens out of tenant B's reach", async () => {
    const oauth = (path: string, form: Record<string, string>) =>
      send('POST', `${platform.urls.identity}/oauth2/${path}`, {
        headers: { authorization: basicAuth(b.applicationId, b.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      });
    expect((await oauth('introspect', { token: tokenA })).json).toEqual({ active: false });
    expect((await oauth('introspect', { token: a.refreshToken })).json).toEqual({ active: false });
    expect((await oauth('revoke', { token: tokenA })).status).toBe(200);
    const exchange = await oauth('token', {
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: tokenA,
      subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      resource: apiB.audience,
    });
    expect(exchange.status).toBeGreaterThanOrEqual(400);
    expect(exchange.status).toBeLessThan(500);
    expect(exchange.json.access_token).toBeUndefined();
    const borrowed = await oauth('token', { grant_type: 'client_credentials', resource: apiA.audience });
    expect(borrowed.status).toBe(400);
    expect(borrowed.json.error).toBe('invalid_target');
    // The revocation by another client had no effect: tenant A's token is still served.
    expect((await send('GET', `${platform.urls.gateway}${apiA.basePath}/still`, { token: tokenA })).status).toBe(200);
  });

  it("refuses tenant B's credentials on tenant A's routes at the gateway", async () => {
    const before = upstream.hits.length;
    const tokenB = await accessToken(platform, b.applicationId, b.clientSecret, apiB.audience);
    const withToken = await send('GET', `${platform.urls.gateway}${apiA.basePath}/x`, { token: tokenB });
    expect(withToken.status).toBe(401);
    expect(withToken.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const withKey = await send('GET', `${platform.urls.gateway}${apiA.basePath}/x`, { headers: { 'x-api-key': apiKeyB.apiKey } });
    expect(withKey.status).toBe(403);
    const memberOfB = await send('GET', `${platform.urls.gateway}${apiA.basePath}/x`, { token: b.ownerToken });
    expect(memberOfB.status).toBe(401);
    expect(upstream.hits.length).toBe(before);
  });

  it('leaves tenant A working: its owner logs in with the same password and its token is served', async () => {
    await login(platform, a.ownerEmail);
    const fresh = await accessToken(platform, a.applicationId, a.clientSecret, apiA.audience);
    await until(() => send('GET', `${platform.urls.gateway}${apiA.basePath}/after`, { token: fresh }), 'tenant A still served', [200]);
  });
});

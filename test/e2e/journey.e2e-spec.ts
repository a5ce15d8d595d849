import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient, clientCredentials } from './support/http';
import { eventually, startTestPlatform, type TestPlatform } from './support/platform';
import { startEchoUpstream, type EchoUpstream } from './support/upstream';

const petstore = readFileSync(join(__dirname, '../fixtures/openapi/petstore-3.0.yaml'), 'utf8');

/**
 * One team publishes an API from an OpenAPI file; another team's application subscribes, is
 * approved, gets tokens from identity and calls through the gateway — every service real,
 * driven only through HTTP, as a user would.
 */
describe('the journey through all five services', () => {
  let platform: TestPlatform;
  let upstream: EchoUpstream;
  let identity: AdminClient;
  let catalog: AdminClient;
  let keys: AdminClient;
  let metering: AdminClient;
  const tenant = 'acme';
  let app: { id: string; secret: string };
  /** A second subscriber that takes signed (not encrypted) tokens, so the test can verify them itself. */
  let signedApp: { id: string; secret: string };
  let api: { id: string; audience: string; basePath: string };
  let planId: string;
  let subscriptionId: string;
  const timings: Record<string, number> = {};

  const call = (token: string, path = '/pets') =>
    fetch(`${platform.urls.gateway}${api.basePath}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const token = async () => (await clientCredentials(platform.urls.identity, app.id, app.secret, { resource: api.audience })).access_token;
  const signedToken = async () => (await clientCredentials(platform.urls.identity, signedApp.id, signedApp.secret, { resource: api.audience })).access_token;
  /** Verifies an identity-issued JWS against the keys service's JWKS, as a resource server would. */
  const verifyWithKeysJwks = (jws: string) => {
    const jwks = createRemoteJWKSet(new URL(`${platform.urls.keys}/.well-known/jwks.json`), { cacheMaxAge: 0, cooldownDuration: 0 });
    return jwtVerify(jws, jwks, { issuer: platform.urls.identity, audience: api.audience, typ: 'at+jwt' });
  };
  const statusWithin = async (label: string, probe: () => Promise<Response>, status: number) => {
    const { ms } = await eventually(async () => ((await probe()).status === status ? true : undefined), label, 20_000, 25);
    timings[label] = ms;
    return ms;
  };

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    platform = await startTestPlatform('journey', { JWKS_CACHE_SECONDS: '1', KEYS_SCHEDULER_INTERVAL_MS: '250' });
    identity = new AdminClient(platform.urls.identity, platform.adminToken);
    catalog = new AdminClient(platform.urls.catalog, platform.adminToken);
    keys = new AdminClient(platform.urls.keys, platform.adminToken);
    metering = new AdminClient(platform.urls.metering, platform.adminToken);

    await identity.post('/admin/tenants', { id: tenant, name: 'Acme' });
    const owners = await identity.post(`/admin/tenants/${tenant}/teams`, { name: 'pets' });
    const consumers = await identity.post(`/admin/tenants/${tenant}/teams`, { name: 'storefront' });
    const application = await identity.post(`/admin/tenants/${tenant}/applications`, {
      teamId: consumers.id,
      name: 'storefront web',
      allowedScopes: ['pets:read'],
      requireEncryptedTokens: true,
    });
    const secret = await identity.post(`/admin/tenants/${tenant}/applications/${application.id}/credentials/secrets`, {});
    app = { id: application.id, secret: secret.clientSecret };
    const batch = await identity.post(`/admin/tenants/${tenant}/applications`, { teamId: consumers.id, name: 'storefront batch', allowedScopes: ['pets:read'] });
    signedApp = { id: batch.id, secret: (await identity.post(`/admin/tenants/${tenant}/applications/${batch.id}/credentials/secrets`, {})).clientSecret };

    // The catalog learns teams and applications from identity's events.
    const created = await eventually(
      () => catalog.request('POST', '/apis', { teamId: owners.id, name: 'Pets', visibility: 'tenant', scopes: ['pets:read'] }, [201, 404]).then((body) => (body?.id ? body : undefined)),
      'catalog sees the team',
    );
    const basePath = '/pets-api/v1';
    await catalog.post(`/apis/${created.value.id}/versions`, {
      version: 'v1',
      basePath,
      upstream: { targets: [{ url: upstream.url, weight: 1 }] },
      openapi: petstore,
    });
    api = { id: created.value.id, audience: created.value.audience, basePath };
    const plan = await catalog.post(`/apis/${api.id}/plans`, { name: 'Starter', rateLimit: { requests: 50, per: 'second' }, quotas: [{ metric: 'requests', limit: 150, period: 'day', warnAt: 0.8 }] });
    planId = plan.id;
    const published = Date.now();
    await catalog.post(`/apis/${api.id}/versions/v1/publish`, {});
    timings.publishCall = Date.now() - published;
    const subscription = await eventually(
      () => catalog.request('POST', `/apis/${api.id}/subscriptions`, { applicationId: app.id, planId }, [201, 404]).then((body) => (body?.id ? body : undefined)),
      'catalog sees the application',
    );
    subscriptionId = subscription.value.id;
    await catalog.post(`/subscriptions/${subscriptionId}/approve`, {});
    const signedSubscription = await eventually(
      () => catalog.request('POST', `/apis/${api.id}/subscriptions`, { applicationId: signedApp.id, planId }, [201, 404]).then((body) => (body?.id ? body : undefined)),
      'catalog sees the second application',
    );
    await catalog.post(`/subscriptions/${signedSubscription.value.id}/approve`, {});
  }, 300_000);

  afterAll(async () => {
    console.log('[journey] propagation times (ms):', JSON.stringify(timings));
    await platform?.stop();
    await upstream?.close();
  });

  it('issues an encrypted token for the subscribed API that the gateway accepts', async () => {
    const { value: accessToken } = await eventually(() => token().catch(() => undefined), 'identity grants the subscribed audience');
    expect(accessToken.split('.')).toHaveLength(5);
    await statusWithin('published API routable with a token', () => call(accessToken), 200);
    const response = await call(accessToken, '/pets/7');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ method: 'GET', path: '/pets/7' });
    expect(upstream.lastHeaders()['x-gatehouse-application-id'] ?? upstream.lastHeaders()['x-gatehouse-client-id']).toBe(app.id);
  });

  it('refuses a token revoked at identity within about a second', async () => {
    const revoked = await token();
    expect((await call(revoked)).status).toBe(200);
    const form = new URLSearchParams({ token: revoked, token_type_hint: 'access_token' });
    const answer = await fetch(`${platform.urls.identity}/oauth2/revoke`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${app.id}:${app.secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    expect(answer.status).toBe(200);
    const ms = await statusWithin('token revocation refused', () => call(revoked), 401);
    expect(ms).toBeLessThan(5_000);
    expect((await call(await token())).status).toBe(200);
  });

  it('fails no request while signing keys rotate under traffic, and refuses old ones after an emergency revoke', async () => {
    const sets = await keys.get('/admin/key-sets');
    const list = (Array.isArray(sets) ? sets : sets.items ?? sets.keySets) as Array<{ id: string; purpose: string; tenantId: string | null; activeKid?: string }>;
    const signing = list.find((set) => set.purpose === 'access-token-signing' && !set.tenantId)!;
    const before = await token();
    const { value: signedBefore } = await eventually(() => signedToken().catch(() => undefined), 'identity grants the second application');
    expect(signedBefore.split('.')).toHaveLength(3);
    const { protectedHeader: headerBefore } = await verifyWithKeysJwks(signedBefore);
    expect(headerBefore.kid).toBeTruthy();
    // Steady traffic across the rotation, with old and freshly issued tokens: none may fail.
    const outcomes: number[] = [];
    let running = true;
    const traffic = (async () => {
      for (let round = 0; running || round < 20; round += 1) {
        const current = round % 5 === 0 ? await token() : before;
        outcomes.push((await call(current)).status);
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
    })();
    const rotated = await eventually(
      () => keys.post(`/admin/key-sets/${signing.id}/rotate`).then((result) => (result.status === 'scheduled' ? undefined : result)),
      'rotation takes effect',
      30_000,
      250,
    );
    expect(rotated.value).toBeTruthy();
    const after = await eventually(async () => {
      const fresh = await token();
      return fresh !== before ? fresh : undefined;
    }, 'new token');
    expect((await call(before)).status).toBe(200);
    expect((await call(after.value)).status).toBe(200);
    // Identity signs with the successor key; the keys service's JWKS verifies new and old tokens alike.
    const { value: signedAfter } = await eventually(async () => {
      const fresh = await signedToken();
      return decodeProtectedHeader(fresh).kid !== headerBefore.kid ? fresh : undefined;
    }, 'a token signed by the new key');
    expect((await verifyWithKeysJwks(signedAfter)).payload.client_id).toBe(signedApp.id);
    expect((await verifyWithKeysJwks(signedBefore)).protectedHeader.kid).toBe(headerBefore.kid);
    running = false;
    await traffic;
    expect(outcomes.length).toBeGreaterThanOrEqual(20);
    expect(outcomes.filter((status) => status !== 200)).toEqual([]);

    const set = await keys.get(`/admin/key-sets/${signing.id}`);
    const activeKid = set.activeKid ?? set.active?.kid;
    expect(activeKid).toBeTruthy();
    const signedByActive = await eventually(async () => {
      const fresh = await token();
      return (await call(fresh)).status === 200 ? fresh : undefined;
    }, 'token signed by the active key');
    await keys.post(`/admin/key-sets/${signing.id}/keys/${activeKid}/revoke`, { reason: 'journey test: key exposed' });
    const ms = await statusWithin('emergency key revoke refused', () => call(signedByActive.value), 401);
    expect(ms).toBeLessThan(5_000);
    const replacement = await eventually(async () => {
      const fresh = await token();
      return (await call(fresh)).status === 200 ? fresh : undefined;
    }, 'tokens from the successor key work', 30_000);
    expect(replacement.value).toBeTruthy();
  });

  it('shows usage in metering within seconds', async () => {
    const from = new Date(Date.now() - 3600_000).toISOString();
    const { value: rows, ms } = await eventually(async () => {
      const answer = await metering.get(`/usage?from=${encodeURIComponent(from)}&granularity=hour&groupBy=application&apiId=${api.id}`);
      const found = (answer.rows as Array<Record<string, unknown>>).find((row) => row.application === app.id || row.applicationId === app.id);
      return found && Number(found.requests) > 0 ? answer.rows : undefined;
    }, 'usage in metering', 30_000, 200);
    timings.usageVisible = ms;
    expect(rows.length).toBeGreaterThan(0);
  });

  it('refuses a revoked subscription within about a second, and serves again once re-subscribed', async () => {
    const accessToken = await token();
    expect((await call(accessToken)).status).toBe(200);
    await catalog.post(`/subscriptions/${subscriptionId}/revoke`, { reason: 'journey test' });
    const ms = await statusWithin('subscription revoke refused', () => call(accessToken), 403);
    expect(ms).toBeLessThan(5_000);
    const again = await catalog.post(`/apis/${api.id}/subscriptions`, { applicationId: app.id, planId });
    await catalog.post(`/subscriptions/${again.id}/approve`, {});
    subscriptionId = again.id;
    await statusWithin('re-approved subscription served', () => call(accessToken), 200);
  });


  it('announces a deprecated version with Deprecation and Sunset headers', async () => {
    const sunsetAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    await catalog.post(`/apis/${api.id}/versions/v1/deprecate`, { sunsetAt });
    const accessToken = await token();
    const { value: deprecated } = await eventually(async () => {
      const response = await call(accessToken);
      return response.headers.get('deprecation') ? response : undefined;
    }, 'deprecation headers');
    expect(deprecated.status).toBe(200);
    expect(deprecated.headers.get('sunset')).toBe(new Date(sunsetAt).toUTCString());
  });

  it('answers 429 naming the quota once the daily quota is exhausted', async () => {
    const accessToken = await token();
    const { value: limited } = await eventually(async () => {
      const response = await call(accessToken);
      return response.status === 429 ? response : undefined;
    }, 'quota exhausted', 60_000, 20);
    const body = (await limited.json()) as { error?: string };
    expect(body.error).toBe('quota_exceeded');
  });

  it('refuses every token of a deleted application', async () => {
    const accessToken = await token();
    await identity.delete(`/admin/tenants/${tenant}/applications/${app.id}`);
    await statusWithin('deleted application refused', () => call(accessToken), 401);
    await expect(token()).rejects.toThrow(/invalid_client/);
  });

  it('answers 410 once the version is retired', async () => {
    await catalog.post(`/apis/${api.id}/versions/v1/retire`, {});
    await statusWithin('retired API answers 410', () => fetch(`${platform.urls.gateway}${api.basePath}/pets`), 410);
  });
});

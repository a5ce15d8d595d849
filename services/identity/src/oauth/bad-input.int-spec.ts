import fc from 'fast-check';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { Agent } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSubscribedApplication, type TestApplication } from '../../test/directory-fixtures';
import { type IdentityHarness, makeKey, pollUntil, startIdentity } from '../../test/identity-harness';
import { ManualClock } from '../common/clock';

const FORM = 'application/x-www-form-urlencoded';
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('token endpoint refuses bad input with precise OAuth errors', () => {
  let harness: IdentityHarness;
  let app: TestApplication;
  const clock = new ManualClock();
  const audience = 'https://ledger.api.test';

  // The harness listens on 127.0.0.1; requests from this agent come from another loopback address.
  const otherAddress = new Agent({ localAddress: '127.0.0.2' });

  async function post(path: string, body: string | URLSearchParams, headers: Record<string, string> = {}, dispatcher?: Agent) {
    const response = await fetch(`${harness.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': FORM, ...headers }, body: body.toString(), ...(dispatcher ? { dispatcher } : {}) } as RequestInit);
    const text = await response.text();
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: response.status, body: json, headers: response.headers };
  }
  const token = (params: Record<string, string | string[]>, headers: Record<string, string> = {}, dispatcher?: Agent) => {
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) for (const entry of [value].flat()) form.append(name, entry);
    return post('/oauth2/token', form, headers, dispatcher);
  };
  const asApp = (params: Record<string, string | string[]>, dispatcher?: Agent) => token(params, { authorization: basic(app.clientId, app.clientSecret) }, dispatcher);
  const expectOAuthError = (answer: { status: number; body: any; headers: Headers }, status: number, error: string) => {
    expect({ status: answer.status, error: answer.body?.error }).toEqual({ status, error });
    expect(typeof answer.body.error_description).toBe('string');
    expect(answer.headers.get('cache-control')).toBe('no-store');
  };

  beforeAll(async () => {
    harness = await startIdentity('identity-bad-input', { clock, env: { AUTH_FAILURES_PER_CLIENT: '5', AUTH_FAILURES_PER_ADDRESS: '60', REFRESH_TOKEN_TTL_SECONDS: '3600' } });
    await harness.publishKey(makeKey('ES256'));
    await harness.waitReady();
    app = await createSubscribedApplication(harness, { audience, apiScopes: ['read'], allowedScopes: ['read', 'write'] });
    await pollUntil(async () => (await asApp({ grant_type: 'client_credentials', resource: audience })).status === 200, 'the subscription');
  });
  afterAll(async () => {
    await otherAddress.close();
    await harness?.close();
  });
  // Each case starts with empty attempt windows (failures of earlier cases have left them).
  beforeEach(() => clock.advance(61_000));

  it('answers 415 to anything but a form body, JSON included', async () => {
    const json = await fetch(`${harness.baseUrl}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type":"client_credentials"}' });
    expect(json.status).toBe(415);
    expect(await json.json()).toMatchObject({ error: 'invalid_request', error_description: expect.stringContaining('x-www-form-urlencoded') });
    const broken = await fetch(`${harness.baseUrl}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type":' });
    expect(broken.status).toBe(415);
    expectOAuthError(await post('/oauth2/introspect', 'token=x', { 'content-type': 'text/plain' }), 415, 'invalid_request');
    expectOAuthError(await post('/oauth2/token', 'grant_type=client_credentials', { 'content-type': `${FORM}; charset=latin1` }), 415, 'invalid_request');
  });

  it('answers 413 to oversized bodies and too many parameters', async () => {
    expectOAuthError(await post('/oauth2/token', `grant_type=client_credentials&scope=${'a'.repeat(70_000)}`), 413, 'invalid_request');
    expectOAuthError(await post('/oauth2/token', Array.from({ length: 150 }, (_, index) => `p${index}=1`).join('&')), 413, 'invalid_request');
  });

  it('refuses JSON and oversized bodies at introspection and revocation with OAuth errors', async () => {
    const auth = { authorization: basic(app.clientId, app.clientSecret) };
    for (const path of ['/oauth2/introspect', '/oauth2/revoke']) {
      expectOAuthError(await post(path, '{"token":"a.b.c"}', { ...auth, 'content-type': 'application/json' }), 415, 'invalid_request');
      expectOAuthError(await post(path, '{"token":', { ...auth, 'content-type': 'application/json' }), 415, 'invalid_request');
      expectOAuthError(await post(path, `token=${'a'.repeat(70_000)}`, auth), 413, 'invalid_request');
      expectOAuthError(await post(path, Array.from({ length: 150 }, (_, index) => `p${index}=1`).join('&'), auth), 413, 'invalid_request');
      const long = await post(path, `token=${'a'.repeat(20_000)}`, auth);
      expectOAuthError(long, 400, 'invalid_request');
      expect(long.body.error_description).toBe('token is too long');
    }
  });

  it('reads malformed percent-encoding leniently, as WHATWG form decoding does, and names the parameter it breaks', async () => {
    for (const path of ['/oauth2/token', '/oauth2/token?route=framework']) {
      const grant = await post(path, 'grant_type=%zz');
      expectOAuthError(grant, 400, 'unsupported_grant_type');
      expectOAuthError(await post(path, '=%&%=&&'), 400, 'invalid_request');
      expectOAuthError(await post(path, 'grant_type=client_credentials&resource=%zz', { authorization: basic(app.clientId, app.clientSecret) }), 400, 'invalid_target');
      expectOAuthError(await post(path, 'grant_type=client_credentials&client_id=%E0%A4&client_secret=%zz'), 401, 'invalid_client');
    }
    const introspected = await post('/oauth2/introspect', 'token=%zz%', { authorization: basic(app.clientId, app.clientSecret) });
    expect({ status: introspected.status, body: introspected.body }).toEqual({ status: 200, body: { active: false } });
  });

  it('names missing, repeated and unsupported parameters', async () => {
    expectOAuthError(await token({}), 400, 'invalid_request');
    expectOAuthError(await token({ grant_type: ['client_credentials', 'client_credentials'] }), 400, 'invalid_request');
    expectOAuthError(await token({ grant_type: 'authorization_code' }), 400, 'unsupported_grant_type');
    expectOAuthError(await asApp({ grant_type: 'refresh_token' }), 400, 'invalid_request');
    expectOAuthError(await token({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret }, { authorization: basic(app.clientId, app.clientSecret) }), 400, 'invalid_request');
    expectOAuthError(await token({ grant_type: 'client_credentials', client_id: 'gatehouse-cli', resource: audience }), 400, 'unauthorized_client');
  });

  it('gives an unknown client and a wrong secret the same answer', async () => {
    const unknown = await token({ grant_type: 'client_credentials', resource: audience }, { authorization: basic('no-such-client', app.clientSecret) });
    const wrong = await token({ grant_type: 'client_credentials', resource: audience }, { authorization: basic(app.clientId, `${app.clientSecret.slice(0, -1)}x`) });
    for (const answer of [unknown, wrong]) {
      expectOAuthError(answer, 401, 'invalid_client');
      expect(answer.headers.get('www-authenticate')).toBe('Basic realm="gatehouse"');
    }
    expect(unknown.body).toEqual(wrong.body);
    const posted = await token({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: 'wrong', resource: audience });
    expectOAuthError(posted, 401, 'invalid_client');
    expect(posted.headers.get('www-authenticate')).toBeNull();
    expect(posted.body).toEqual(wrong.body);
    const garbled = await token({ grant_type: 'client_credentials' }, { authorization: 'Basic %%%' });
    expectOAuthError(garbled, 401, 'invalid_client');
    expect(garbled.headers.get('www-authenticate')).toBe('Basic realm="gatehouse"');
  });

  it('refuses scope escalation and audiences without an approved subscription', async () => {
    expectOAuthError(await asApp({ grant_type: 'client_credentials', resource: audience, scope: 'write' }), 400, 'invalid_scope');
    expectOAuthError(await asApp({ grant_type: 'client_credentials', resource: audience, scope: 'admin' }), 400, 'invalid_scope');
    expectOAuthError(await asApp({ grant_type: 'client_credentials', resource: audience, scope: 'bad"scope' }), 400, 'invalid_scope');
    expectOAuthError(await asApp({ grant_type: 'client_credentials' }), 400, 'invalid_target');
    expectOAuthError(await asApp({ grant_type: 'client_credentials', resource: 'https://not-subscribed.api.test' }), 400, 'invalid_target');
    expectOAuthError(await asApp({ grant_type: 'client_credentials', resource: `${audience}#fragment` }), 400, 'invalid_target');
    expectOAuthError(await asApp({ grant_type: 'client_credentials', resource: 'relative/path' }), 400, 'invalid_target');
    await harness.publishApi({ apiId: 'api-pending', tenantId: 'acme', teamId: 't', audience: 'https://pending.api.test', scopes: ['read'] });
    await harness.publishSubscription({ applicationId: app.clientId, apiId: 'api-pending', audience: 'https://pending.api.test', tenantId: 'acme', status: 'pending' });
    expectOAuthError(await asApp({ grant_type: 'client_credentials', resource: 'https://pending.api.test' }), 400, 'invalid_target');
    const granted = await asApp({ grant_type: 'client_credentials', resource: audience, scope: 'read' });
    expect(granted.status).toBe(200);
    expect(granted.body.scope).toBe('read');
  });

  it('refuses private_key_jwt assertions that are replayed, long-lived or for another audience', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const registered = await harness.admin('POST', `/admin/tenants/acme/applications/${app.clientId}/credentials/jwks`, { jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] } });
    expect(registered.status).toBe(201);
    const now = Math.floor(clock.now() / 1000);
    const assertion = (claims: Record<string, unknown> = {}) =>
      new SignJWT({ jti: crypto.randomUUID(), iss: app.clientId, sub: app.clientId, aud: harness.baseUrl, iat: now, exp: now + 60, ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .sign(privateKey);
    const withAssertion = (value: string) =>
      token({ grant_type: 'client_credentials', resource: audience, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: value });
    const once = await assertion();
    expect((await withAssertion(once)).status).toBe(200);
    expectOAuthError(await withAssertion(once), 401, 'invalid_client');
    expectOAuthError(await withAssertion(await assertion({ exp: now + 3600 })), 401, 'invalid_client');
    expectOAuthError(await withAssertion(await assertion({ aud: 'https://elsewhere.test' })), 401, 'invalid_client');
    expectOAuthError(await withAssertion(await assertion({ exp: now - 120 })), 401, 'invalid_client');
    expectOAuthError(
      await token({ grant_type: 'client_credentials', resource: audience, client_assertion_type: 'urn:example:other', client_assertion: await assertion() }),
      400,
      'invalid_request',
    );
  });

  it('refuses wrong passwords, unknown members, and garbage, revoked or expired refresh tokens with invalid_grant', async () => {
    const login = (password: string, username = harness.adminEmail) => token({ grant_type: 'password', client_id: 'gatehouse-cli', username, password });
    expectOAuthError(await login('not the password'), 400, 'invalid_grant');
    const unknown = await login(harness.adminPassword, 'nobody@gatehouse.test');
    expectOAuthError(unknown, 400, 'invalid_grant');
    expect(unknown.body).toEqual((await login('not the password')).body);
    expectOAuthError(await token({ grant_type: 'refresh_token', client_id: 'gatehouse-cli', refresh_token: 'ghr_garbage' }), 400, 'invalid_grant');

    const session = await login(harness.adminPassword);
    expect(session.status).toBe(200);
    await post('/oauth2/revoke', new URLSearchParams({ client_id: 'gatehouse-cli', token: session.body.refresh_token }));
    expectOAuthError(await token({ grant_type: 'refresh_token', client_id: 'gatehouse-cli', refresh_token: session.body.refresh_token }), 400, 'invalid_grant');

    const expiring = await login(harness.adminPassword);
    const started = clock.now();
    clock.advance(3601_000);
    try {
      const expired = await token({ grant_type: 'refresh_token', client_id: 'gatehouse-cli', refresh_token: expiring.body.refresh_token });
      expectOAuthError(expired, 400, 'invalid_grant');
      expect(expired.body.error_description).toMatch(/expired/);
    } finally {
      clock.set(started);
    }
  });

  it('answers the same through the framework route as through the fast path', async () => {
    const form = new URLSearchParams({ grant_type: 'client_credentials', resource: audience, scope: 'read' });
    const viaFramework = await post('/oauth2/token?route=framework', form, { authorization: basic(app.clientId, app.clientSecret) });
    expect(viaFramework.status).toBe(200);
    expect(viaFramework.body).toMatchObject({ token_type: 'Bearer', expires_in: 300, scope: 'read' });
    expect(viaFramework.headers.get('cache-control')).toBe('no-store');
    const refused = await post('/oauth2/token?route=framework', new URLSearchParams({ grant_type: 'client_credentials', resource: audience, scope: 'write' }), {
      authorization: basic(app.clientId, app.clientSecret),
    });
    expectOAuthError(refused, 400, 'invalid_scope');
  });

  it('answers OAuth errors for unknown OAuth paths and methods', async () => {
    expectOAuthError(await post('/oauth2/authorize', 'a=b'), 404, 'invalid_request');
    const get = await fetch(`${harness.baseUrl}/oauth2/token`);
    expect(get.status).toBe(404);
    expect(((await get.json()) as { error: string }).error).toBe('invalid_request');
  });

  it('never answers 500 to arbitrary form bodies', async () => {
    const names = fc.constantFrom('grant_type', 'client_id', 'client_secret', 'resource', 'scope', 'refresh_token', 'username', 'password', 'client_assertion', 'client_assertion_type', 'token', 'subject_token', 'subject_token_type', 'x');
    const values = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('client_credentials', 'refresh_token', 'password', 'urn:ietf:params:oauth:grant-type:token-exchange', app.clientId, 'gatehouse-cli', audience, 'ghr_x', 'a.b.c', 'a.b.c.d.e'));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(names, values), { maxLength: 8 }), fc.constantFrom('/oauth2/token', '/oauth2/introspect', '/oauth2/revoke'), async (pairs, path) => {
        const answer = await post(path, new URLSearchParams(pairs));
        expect(answer.status).toBeLessThan(500);
      }),
      { numRuns: 60 },
    );
  });

  it('limits failed attempts per client from one address with 429 and Retry-After, without locking the client out elsewhere', async () => {
    const wrong = (dispatcher?: Agent) => token({ grant_type: 'client_credentials', resource: audience }, { authorization: basic(app.clientId, 'wrong-secret') }, dispatcher);
    for (let attempt = 0; attempt < 5; attempt += 1) expect((await wrong()).status).toBe(401);
    const limited = await wrong();
    expectOAuthError(limited, 429, 'invalid_client');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // The guessing address is refused even with the right secret; the client itself is not locked out.
    expect((await asApp({ grant_type: 'client_credentials', resource: audience })).status).toBe(429);
    expect((await asApp({ grant_type: 'client_credentials', resource: audience }, otherAddress)).status).toBe(200);
    expect((await wrong(otherAddress)).status).toBe(401);
    clock.advance(61_000);
    expect((await asApp({ grant_type: 'client_credentials', resource: audience })).status).toBe(200);
  });

  it('limits failed member logins per username from one address without locking the member out elsewhere', async () => {
    const login = (password: string, dispatcher?: Agent) => token({ grant_type: 'password', client_id: 'gatehouse-cli', username: harness.adminEmail, password }, {}, dispatcher);
    for (let attempt = 0; attempt < 5; attempt += 1) expectOAuthError(await login('not the password'), 400, 'invalid_grant');
    expectOAuthError(await login(harness.adminPassword), 429, 'invalid_client');
    expect((await login(harness.adminPassword, otherAddress)).status).toBe(200);
  });

  it('refuses every attempt from an address that failed across many clients, right credentials included', async () => {
    for (let attempt = 0; attempt < 60; attempt += 1) expect((await token({ grant_type: 'client_credentials' }, { authorization: basic(`unknown-${attempt}`, 'x') })).status).toBe(401);
    const blocked = await token({ grant_type: 'client_credentials' }, { authorization: basic('yet-another', 'x') });
    expectOAuthError(blocked, 429, 'invalid_client');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await asApp({ grant_type: 'client_credentials', resource: audience })).status).toBe(429);
    expect((await asApp({ grant_type: 'client_credentials', resource: audience }, otherAddress)).status).toBe(200);
    clock.advance(61_000);
  });
});

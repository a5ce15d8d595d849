import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestPlatform } from '../e2e/support/platform';
import { CountingUpstream } from './support/counting-upstream';
import { type HostileBody, hostileBody, hostileDocument, hostileJson, hostileQuery, pointedExamples } from './support/hostile-json';
import { type Answer, expectOk, send } from './support/send';
import { attackerKey } from './support/token-forge';
import { createApplication, createTenant, PASSWORD, publishApi, startHostilePlatform, subscribe, type TenantWorld, until } from './support/world';

/**
 * Property-based fuzzing of every admin write endpoint (and metering's query, identity's token
 * endpoint) with hostile bodies: random JSON, huge numbers, deep nesting, prototype-pollution
 * members, wrong content types, hostile OpenAPI documents. Every answer is a 4xx with the
 * `{error, message}` shape (or a success, when a mutated body happens to be valid) — never a
 * 5xx, never a stack — and every service stays ready.
 */

const RUNS = 30;
const stackTrace = /\n\s+at \S|node_modules|\.[jt]s:\d+:\d+|\/(src|dist)\/[\w/.-]+\.[jt]s/;

interface Target {
  readonly service: 'identity' | 'catalog' | 'keys' | 'metering';
  readonly method: string;
  readonly path: string;
  readonly valid: Record<string, unknown>;
  readonly as?: 'root' | 'owner';
  /** The endpoint takes no body at all as valid (publishing with the defaults). */
  readonly bodyOptional?: boolean;
}

describe('fuzzed admin API bodies', () => {
  let platform: TestPlatform;
  const upstream = new CountingUpstream();
  let f: TenantWorld;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const upstreamUrl = await upstream.start();
    platform = await startHostilePlatform('hostile-fuzz');
    f = await createTenant(platform, 'fuzz');
    const identity = `${platform.urls.identity}/admin/tenants/${f.tenantId}`;
    const catalog = platform.urls.catalog;
    const owner = f.ownerToken;
    ids.member = (await expectOk(send('POST', `${identity}/members`, { token: owner, json: { email: 'target@fuzz.test', displayName: 'Target', password: PASSWORD } }), 201)).id;
    ids.app2 = (await createApplication(platform, f, 'second')).applicationId;
    const published = await publishApi(platform, f, 'published', upstreamUrl);
    ids.api2 = published.apiId;
    ids.plan = published.planId;
    ids.subscription = await subscribe(platform, f, published, f.applicationId);
    const draft = await expectOk(send('POST', `${catalog}/apis`, { token: owner, json: { teamId: f.teamId, name: 'draft', slug: 'draft' } }), 201);
    ids.api1 = draft.id;
    await expectOk(
      send('POST', `${catalog}/apis/${ids.api1}/versions`, {
        token: owner,
        json: { version: 'v1', basePath: '/fuzz-draft', upstream: { targets: [{ url: upstreamUrl, weight: 1 }] }, routes: [{ path: '/x', methods: ['GET'] }] },
      }),
      201,
    );
    ids.provider = (await expectOk(send('POST', `${catalog}/ai/providers`, { token: owner, json: { teamId: f.teamId, name: 'local', type: 'openai-compatible', baseUrl: upstreamUrl } }), 201)).id;
    ids.model = (await expectOk(send('POST', `${catalog}/ai/models`, { token: owner, json: { teamId: f.teamId, name: 'small', providerId: ids.provider, upstreamModel: 'small-1', contextWindow: 8192 } }), 201)).id;
    ids.policy = (
      await expectOk(send('POST', `${catalog}/ai/policies`, { token: owner, json: { teamId: f.teamId, model: 'smart', targets: [{ providerId: ids.provider, modelId: ids.model, weight: 1 }] } }), 201)
    ).id;
    ids.promptApi = (await expectOk(send('POST', `${catalog}/apis`, { token: owner, json: { teamId: f.teamId, name: 'prompter', slug: 'prompter', kind: 'prompt' } }), 201)).id;
    const set = await until(() => send('POST', `${platform.urls.keys}/admin/key-sets`, { token: owner, json: { purpose: 'access-token-encryption' } }), 'keys accepts the member token', [201]);
    ids.keySet = set.id;
    ids.kid = set.keys[0].kid;
    ids.upstream = upstreamUrl;
  }, 240_000);

  afterAll(async () => {
    await platform?.stop();
    await upstream.stop();
  });

  const I = () => `/admin/tenants/${f.tenantId}`;
  const app = () => `${I()}/applications/${f.applicationId}`;
  const version = () => ({ version: 'v9', basePath: '/fuzz-v9', upstream: { targets: [{ url: ids.upstream, weight: 1 }] }, routes: [{ path: '/x', methods: ['GET'] }] });
  const documentVersion = () => ({
    version: 'v8',
    basePath: '/fuzz-v8',
    upstream: { targets: [{ url: ids.upstream, weight: 1 }] },
    openapi: { openapi: '3.0.3', info: { title: 'x', version: '1' }, paths: { '/a': { get: { responses: { 200: { description: 'ok' } } } } } },
  });

  /** Every admin write endpoint; paths and valid bodies need the ids made in beforeAll. */
  const targets: Array<[string, () => Target]> = [
    ['identity: create a tenant', () => ({ service: 'identity', method: 'POST', path: '/admin/tenants', valid: { id: 'fuzz-new', name: 'New' }, as: 'root' })],
    ['identity: change a tenant', () => ({ service: 'identity', method: 'PATCH', path: I(), valid: { name: 'Renamed' }, as: 'root' })],
    ['identity: create a team', () => ({ service: 'identity', method: 'POST', path: `${I()}/teams`, valid: { name: 'team' } })],
    ['identity: rename a team', () => ({ service: 'identity', method: 'PATCH', path: `${I()}/teams/${f.teamId}`, valid: { name: 'core' } })],
    ['identity: set a team role', () => ({ service: 'identity', method: 'PUT', path: `${I()}/teams/${f.teamId}/members/${ids.member}`, valid: { role: 'viewer' } })],
    ['identity: add a member', () => ({ service: 'identity', method: 'POST', path: `${I()}/members`, valid: { email: 'new@fuzz.test', displayName: 'New', password: PASSWORD, teams: [{ teamId: f.teamId, role: 'viewer' }] } })],
    ['identity: change a member', () => ({ service: 'identity', method: 'PATCH', path: `${I()}/members/${ids.member}`, valid: { displayName: 'Renamed' } })],
    ['identity: create an application', () => ({ service: 'identity', method: 'POST', path: `${I()}/applications`, valid: { teamId: f.teamId, name: 'app', allowedScopes: ['read'], requireEncryptedTokens: false } })],
    ['identity: change an application', () => ({ service: 'identity', method: 'PATCH', path: `${I()}/applications/${ids.app2}`, valid: { name: 'renamed', allowedScopes: ['read'] } })],
    ['identity: create a client secret', () => ({ service: 'identity', method: 'POST', path: `${app()}/credentials/secrets`, valid: { expiresAt: new Date(Date.now() + 86_400_000).toISOString() } })],
    ['identity: register a JWKS', () => ({ service: 'identity', method: 'POST', path: `${app()}/credentials/jwks`, valid: { jwks: { keys: [attackerKey('ES256').publicJwk] } } })],
    ['identity: create an API key', () => ({ service: 'identity', method: 'POST', path: `${app()}/api-keys`, valid: { scopes: ['read'] } })],
    ['catalog: create an API', () => ({ service: 'catalog', method: 'POST', path: '/apis', valid: { teamId: f.teamId, name: 'fuzzed', visibility: 'tenant', tags: ['a'], scopes: ['read'] } })],
    ['catalog: change an API', () => ({ service: 'catalog', method: 'PATCH', path: `/apis/${ids.api1}`, valid: { description: 'd', docs: '# docs', tags: ['b'] } })],
    ['catalog: create a version from routes', () => ({ service: 'catalog', method: 'POST', path: `/apis/${ids.api1}/versions`, valid: version() })],
    ['catalog: create a version from a document', () => ({ service: 'catalog', method: 'POST', path: `/apis/${ids.api1}/versions`, valid: documentVersion() })],
    ['catalog: change a draft', () => ({ service: 'catalog', method: 'PATCH', path: `/apis/${ids.api1}/versions/v1`, valid: { basePath: '/fuzz-draft2', maxBodyBytes: 1024, planIds: null } })],
    ['catalog: publish (dry run)', () => ({ service: 'catalog', method: 'POST', path: `/apis/${ids.api1}/versions/v1/publish`, valid: { dryRun: true }, bodyOptional: true })],
    ['catalog: deprecate', () => ({ service: 'catalog', method: 'POST', path: `/apis/${ids.api2}/versions/v1/deprecate`, valid: { sunsetAt: new Date(Date.now() + 30 * 86_400_000).toISOString() } })],
    ['catalog: create a plan', () => ({ service: 'catalog', method: 'POST', path: `/apis/${ids.api2}/plans`, valid: { name: 'gold', rateLimit: { requests: 10, per: 'second' }, quotas: [{ metric: 'requests', limit: 100, period: 'day', warnAt: 0.8 }] } })],
    ['catalog: change a plan', () => ({ service: 'catalog', method: 'PATCH', path: `/apis/${ids.api2}/plans/${ids.plan}`, valid: { description: 'd', currency: 'EUR' } })],
    ['catalog: subscribe', () => ({ service: 'catalog', method: 'POST', path: `/apis/${ids.api2}/subscriptions`, valid: { applicationId: ids.app2, planId: ids.plan, scopes: ['read'] } })],
    ['catalog: decide a subscription', () => ({ service: 'catalog', method: 'POST', path: `/subscriptions/${ids.subscription}/approve`, valid: { reason: 'fine' } })],
    [
      'catalog: create a prompt version',
      () => ({
        service: 'catalog',
        method: 'POST',
        path: `/apis/${ids.promptApi}/versions`,
        valid: { version: 'v1', basePath: '/fuzz-prompt', prompt: { path: '/ask', model: 'small', template: 'Say hello', responseFormat: 'json', outputSchema: { type: 'object' } } },
      }),
    ],
    ['catalog: create an AI provider', () => ({ service: 'catalog', method: 'POST', path: '/ai/providers', valid: { teamId: f.teamId, name: 'other', type: 'openai-compatible', baseUrl: 'http://127.0.0.1:9', credential: 'sk-test' } })],
    ['catalog: change an AI provider', () => ({ service: 'catalog', method: 'PATCH', path: `/ai/providers/${ids.provider}`, valid: { baseUrl: ids.upstream } })],
    [
      'catalog: create an AI model',
      () => ({ service: 'catalog', method: 'POST', path: '/ai/models', valid: { teamId: f.teamId, name: 'other', providerId: ids.provider, upstreamModel: 'u', contextWindow: 100, prices: { input: 1, output: 2, currency: 'USD' } } }),
    ],
    ['catalog: change an AI model', () => ({ service: 'catalog', method: 'PATCH', path: `/ai/models/${ids.model}`, valid: { contextWindow: 9000 } })],
    ['catalog: create a routing policy', () => ({ service: 'catalog', method: 'POST', path: '/ai/policies', valid: { teamId: f.teamId, model: 'virtual', targets: [{ providerId: ids.provider, modelId: ids.model, weight: 1 }] } })],
    ['catalog: change a routing policy', () => ({ service: 'catalog', method: 'PATCH', path: `/ai/policies/${ids.policy}`, valid: { retries: 1, timeoutMs: 1000 } })],
    ['keys: create a key set', () => ({ service: 'keys', method: 'POST', path: '/admin/key-sets', valid: { purpose: 'access-token-signing', alg: 'ES256' } })],
    ['keys: change a key-set policy', () => ({ service: 'keys', method: 'PATCH', path: `/admin/key-sets/${ids.keySet}/policy`, valid: { rotationPeriodSeconds: 864_000 } })],
    ['keys: revoke a key', () => ({ service: 'keys', method: 'POST', path: `/admin/key-sets/${ids.keySet}/keys/${ids.kid}/revoke`, valid: { reason: 'fuzz' } })],
  ];

  const base = (service: Target['service']) => platform.urls[service];
  const tokenOf = (target: Target) => (target.as === 'root' ? platform.adminToken : f.ownerToken);

  /** The problems of one answer, or none. */
  function problemsOf(answer: Answer, garbage: boolean, body: string): string[] {
    const problems: string[] = [];
    if (answer.status >= 500) problems.push(`status ${answer.status}`);
    if (garbage && answer.status < 400) problems.push(`accepted a garbage body with ${answer.status}`);
    if (answer.status >= 400 && (typeof answer.json?.error !== 'string' || typeof answer.json?.message !== 'string')) problems.push('error body without {error, message}');
    if (stackTrace.test(answer.text) && !stackTrace.test(body)) problems.push('a stack trace or source path in the answer');
    return problems.length > 0 ? [`${problems.join(', ')}: ${answer.text.slice(0, 300)} ← ${body.slice(0, 200)}`] : [];
  }

  const fuzz = async (arbitrary: fc.Arbitrary<HostileBody>, request: (body: HostileBody) => Promise<Answer>, examples: HostileBody[] = [], bodyOptional = false) => {
    let statuses = 0;
    await fc.assert(
      fc.asyncProperty(arbitrary, async (body) => {
        const answer = await request(body);
        statuses += 1;
        expect(problemsOf(answer, body.garbage && !bodyOptional, body.text)).toEqual([]);
      }),
      // Examples count as runs: every pointed example runs, then RUNS random bodies.
      { numRuns: RUNS + examples.length, endOnFailure: true, examples: examples.map((example) => [example] as [HostileBody]) },
    );
    expect(statuses).toBe(RUNS + examples.length);
  };

  const ready = async (service: Target['service']) => expect((await fetch(`${base(service)}/health/ready`)).status).toBe(200);

  it.each(targets.map(([label, build]) => [label, build] as const))('%s: every hostile body gets a clean 4xx, and the service stays ready', async (_label, build) => {
    const target = build();
    await fuzz(hostileBody(target.valid), (body) =>
      send(target.method, `${base(target.service)}${target.path}`, { token: tokenOf(target), body: body.text, headers: body.contentType ? { 'content-type': body.contentType } : {} }),
      pointedExamples(target.valid),
      target.bodyOptional,
    );
    await ready(target.service);
  });

  it('answers hostile OpenAPI documents sent raw to a draft with a clean 4xx', async () => {
    await fuzz(hostileDocument, (body) =>
      send('PUT', `${platform.urls.catalog}/apis/${ids.api1}/versions/v1/openapi`, { token: f.ownerToken, body: body.text, headers: body.contentType ? { 'content-type': body.contentType } : {} }),
    );
    await fuzz(
      hostileDocument.map((document) => ({ ...document, text: `{"version":"v7","basePath":"/fuzz-v7","upstream":{"targets":[{"url":"${ids.upstream}","weight":1}]},"openapi":${JSON.stringify(document.text)}}`, contentType: 'application/json' })),
      (body) => send('POST', `${platform.urls.catalog}/apis/${ids.api1}/versions`, { token: f.ownerToken, body: body.text, headers: { 'content-type': 'application/json' } }),
    );
    await ready('catalog');
  });

  it('refuses a prompt whose output schema nests thousands of levels, and stays ready', async () => {
    for (const depth of [300, 5_000, 100_000]) {
      const schema = `${'{"type":"object","properties":{"a":'.repeat(depth)}{"type":"string"}${'}}'.repeat(depth)}`;
      const body = `{"version":"d${depth}","basePath":"/deep-${depth}","prompt":{"path":"/ask","model":"small","template":"Say hello","responseFormat":"json","outputSchema":${schema}}}`;
      const answer = await send('POST', `${platform.urls.catalog}/apis/${ids.promptApi}/versions`, { token: f.ownerToken, body, headers: { 'content-type': 'application/json' } });
      expect(problemsOf(answer, true, body.slice(0, 100))).toEqual([]);
    }
    await ready('catalog');
  });

  it("answers hostile usage queries with a clean 4xx (metering's admin surface is read-only)", async () => {
    const names = ['from', 'to', 'granularity', 'groupBy', 'applicationId', 'apiId', 'routeId', 'model', 'statusClass', 'top', 'orderBy', 'format', 'tenant'];
    await fuzz(
      hostileQuery(names).map((query) => ({ text: query, contentType: null, garbage: false })),
      (body) => send('GET', `${platform.urls.metering}/usage?${body.text}`, { token: f.ownerToken }),
    );
    await ready('metering');
  });

  it('answers hostile token requests in the RFC 6749 error form and stays ready', async () => {
    const names = ['grant_type', 'client_id', 'client_secret', 'scope', 'resource', 'username', 'password', 'refresh_token', 'subject_token', 'subject_token_type', 'client_assertion', 'client_assertion_type'];
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(hostileQuery(names), fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'text/plain'), async (form, contentType) => {
        const answer = await send('POST', `${platform.urls.identity}/oauth2/token`, { body: form, headers: { 'content-type': contentType } });
        runs += 1;
        expect(answer.status, answer.text).toBeGreaterThanOrEqual(400);
        expect(answer.status, answer.text).toBeLessThan(500);
        expect(typeof answer.json?.error, answer.text).toBe('string');
        expect(stackTrace.test(answer.text), answer.text).toBe(false);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    expect(runs).toBe(RUNS);
    await ready('identity');
  });

  it('answers hostile path parameters with a clean 4xx on every service', async () => {
    const hostileIds = ['a%00b', 'not-a-uuid', '%ff%fe', "'%20OR%201=1--", 'x'.repeat(3_000), '..%2F..%2Fetc', '%C0%AE', '__proto__', '00000000-0000-0000-0000-000000000000'];
    const I = `${platform.urls.identity}/admin/tenants/${f.tenantId}`;
    const failures: string[] = [];
    for (const id of hostileIds) {
      const urls = [
        `${platform.urls.identity}/admin/tenants/${id}`,
        `${I}/teams/${id}`,
        `${I}/members/${id}`,
        `${I}/applications/${id}`,
        `${I}/applications/${id}/credentials`,
        `${I}/applications/${f.applicationId}/credentials/${id}`,
        `${platform.urls.catalog}/apis/${id}`,
        `${platform.urls.catalog}/apis/${ids.api1}/versions/${id}`,
        `${platform.urls.catalog}/apis/${ids.api2}/plans/${id}`,
        `${platform.urls.catalog}/subscriptions/${id}`,
        `${platform.urls.catalog}/ai/providers/${id}`,
        `${platform.urls.catalog}/ai/models/${id}`,
        `${platform.urls.keys}/admin/key-sets/${id}`,
        `${platform.urls.keys}/admin/key-sets/${ids.keySet}/keys/${id}`,
        `${platform.urls.metering}/usage?from=2020-01-01&applicationId=${id}`,
      ];
      for (const url of urls) {
        for (const method of url.includes('/usage?') ? ['GET'] : ['GET', 'DELETE']) {
          const answer = await send(method, url, { token: f.ownerToken });
          const problems = problemsOf(answer, false, url);
          if (problems.length > 0 || answer.status < 400) failures.push(`${method} ${url.slice(0, 160)} → ${answer.status} ${answer.text.slice(0, 160)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    for (const service of ['identity', 'catalog', 'keys', 'metering'] as const) await ready(service);
  });

  it('answers NUL characters and odd client ids at the OAuth endpoints in RFC 6749 form', async () => {
    const identity = platform.urls.identity;
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    const requests: Array<[string, string, Record<string, string>]> = [
      ['/oauth2/token', 'grant_type=password&client_id=gatehouse-cli&username=a%00b%40fuzz.test&password=x', form],
      ['/oauth2/token', `grant_type=password&client_id=gatehouse-cli&username=${encodeURIComponent(f.ownerEmail)}&password=a%00b`, form],
      ['/oauth2/token', 'grant_type=client_credentials&client_id=a%00b&client_secret=x&resource=urn%3Ax', form],
      ['/oauth2/token', `grant_type=client_credentials&client_id=${'x'.repeat(5_000)}&client_secret=x`, form],
      ['/oauth2/token', 'grant_type=client_credentials&resource=urn%3Ax', { ...form, authorization: basic('a%00b', 'x') }],
      ['/oauth2/token', 'grant_type=client_credentials&resource=urn%3Ax', { ...form, authorization: basic('not-a-uuid', 'x') }],
      ['/oauth2/token', 'grant_type=client_credentials&resource=urn%3Ax', { ...form, authorization: 'Basic %%%' }],
      ['/oauth2/token', 'grant_type=client_credentials&resource=urn%3Aa%00b', { ...form, authorization: basic(f.applicationId, f.clientSecret) }],
      ['/oauth2/token', 'grant_type=refresh_token&client_id=gatehouse-cli&refresh_token=ghr_a%00b', form],
      ['/oauth2/token', 'grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=a%00b', form],
      ['/oauth2/introspect', 'token=a%00b', { ...form, authorization: basic(f.applicationId, f.clientSecret) }],
      ['/oauth2/introspect', 'token=ghr_a%00b', { ...form, authorization: basic(f.applicationId, f.clientSecret) }],
      ['/oauth2/revoke', 'token=ghr_a%00b', { ...form, authorization: basic(f.applicationId, f.clientSecret) }],
      ['/oauth2/revoke', 'token=a%00b.c.d', { ...form, authorization: basic(f.applicationId, f.clientSecret) }],
    ];
    const failures: string[] = [];
    for (const [path, body, headers] of requests) {
      const answer = await send('POST', `${identity}${path}`, { body, headers });
      const ok = path === '/oauth2/token' ? answer.status >= 400 && answer.status < 500 && typeof answer.json?.error === 'string' : answer.status === 200;
      if (!ok || stackTrace.test(answer.text)) failures.push(`${path} ${body.slice(0, 80)} → ${answer.status} ${answer.text.slice(0, 160)}`);
    }
    expect(failures).toEqual([]);
    await ready('identity');
  });

  it('is not polluted: roles still hold and no answer carries a polluted member', async () => {
    const identity = `${platform.urls.identity}/admin/tenants/${f.tenantId}`;
    for (const body of ['{"__proto__":{"platformAdmin":true,"role":"owner"},"teamId":"x","name":"y"}', '{"constructor":{"prototype":{"platformAdmin":true}}}']) {
      await send('POST', `${identity}/applications`, { token: f.viewerToken, body, headers: { 'content-type': 'application/json' } });
    }
    const viewerWrite = await send('POST', `${identity}/applications`, { token: f.viewerToken, json: { teamId: f.teamId, name: 'by viewer' } });
    expect(viewerWrite.status).toBe(403);
    const viewerTenants = await send('POST', `${platform.urls.identity}/admin/tenants`, { token: f.viewerToken, json: { id: 'by-viewer', name: 'x' } });
    expect([403, 404]).toContain(viewerTenants.status);
    for (const url of [`${identity}/applications`, `${platform.urls.catalog}/apis`, `${platform.urls.keys}/admin/key-sets`, `${identity}/members`]) {
      const answer = await send('GET', url, { token: f.ownerToken });
      expect(answer.status).toBe(200);
      expect(answer.text).not.toContain('polluted');
    }
    for (const service of ['identity', 'catalog', 'keys', 'metering'] as const) await ready(service);
  });

  it('keeps the hostile JSON generator honest (it produces prototype keys and deep values)', () => {
    const samples = fc.sample(hostileJson, { numRuns: 300, seed: 42 });
    expect(samples.some((text) => text.includes('"__proto__"'))).toBe(true);
    expect(samples.some((text) => text.includes('1e999'))).toBe(true);
  });
});

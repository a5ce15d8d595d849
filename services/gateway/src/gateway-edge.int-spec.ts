import { PlanStateV1, QuotaStateV1, RouteStateV1, ApplicationStateV1, SubscriptionStateV1 } from '@gatehouse/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOOTSTRAP_TOKEN, GatewayHarness, type GatewayInstance, waitFor } from './testing/gateway-harness';
import { rawRequest, statusOf } from './testing/raw-http';
import { applicationState, planState, quotaState, routeState, subscriptionState } from './testing/state-builders';
import { UpstreamServer } from './testing/upstream-server';
import { UsageCollector } from './testing/usage-collector';

describe('gateway at the edge: routing, lifecycle, limits and bad input', () => {
  let harness: GatewayHarness;
  let gateway: GatewayInstance;
  let upstreamUrl: string;
  let token: string;
  const upstream = new UpstreamServer();
  const port = () => Number(new URL(gateway.proxyUrl).port);
  const call = (path: string, init: RequestInit = {}) => fetch(`${gateway.proxyUrl}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } });

  beforeAll(async () => {
    upstreamUrl = await upstream.start();
    harness = await GatewayHarness.create('edge');
    token = await harness.token();
    await harness.publish(RouteStateV1, routeState({ routeId: 'r-pets', path: '/pets/v1/pets/{id}', stripPrefix: '/pets/v1', upstreamUrl }));
    await harness.publish(RouteStateV1, routeState({ routeId: 'r-static', path: '/pets/v1/pets/mine', stripPrefix: '/pets/v1', upstreamUrl, methods: ['GET'] }));
    await harness.publish(RouteStateV1, routeState({ routeId: 'r-public', path: '/public/{rest*}', stripPrefix: '/public', upstreamUrl, auth: { methods: [], requireEncryptedToken: false, scopes: [] }, maxBodyBytes: 1024 }));
    await harness.publish(RouteStateV1, routeState({ routeId: 'r-old', apiId: 'api-old', path: '/old/v1/{rest*}', stripPrefix: '/old/v1', upstreamUrl, lifecycle: { state: 'deprecated', deprecatedAt: '2026-01-01T00:00:00.000Z', sunsetAt: '2027-06-30T00:00:00.000Z' } }));
    await harness.publish(RouteStateV1, routeState({ routeId: 'r-gone', apiId: 'api-old', path: '/old/v0/{rest*}', upstreamUrl, lifecycle: { state: 'retired', deprecatedAt: '2025-01-01T00:00:00.000Z', sunsetAt: '2026-01-01T00:00:00.000Z' } }));
    await harness.publish(RouteStateV1, routeState({ routeId: 'r-limited', apiId: 'api-limited', audience: 'https://api.acme.test/limited', path: '/limited/{rest*}', stripPrefix: '/limited', upstreamUrl }));
    await harness.publish(RouteStateV1, routeState({ routeId: 'r-ai', path: '/ai/v1/chat/completions', methods: ['POST'], upstreamUrl, kind: 'ai' }));
    await harness.publish(ApplicationStateV1, applicationState());
    await harness.publish(PlanStateV1, planState());
    await harness.publish(PlanStateV1, planState({ planId: 'plan-tiny', apiId: 'api-limited', rateLimit: { requests: 3, per: 'minute' } }));
    await harness.publish(SubscriptionStateV1, subscriptionState());
    await harness.publish(SubscriptionStateV1, subscriptionState({ subscriptionId: 'sub-old', apiId: 'api-old' }));
    await harness.publish(SubscriptionStateV1, subscriptionState({ subscriptionId: 'sub-limited', apiId: 'api-limited', planId: 'plan-tiny', audience: 'https://api.acme.test/limited' }));
    gateway = await harness.startGateway();
  });

  afterAll(async () => {
    await harness?.cleanup();
    await upstream.stop();
  });

  it('routes by the most specific template and answers unknown routes with 404 and a JSON body', async () => {
    const mine = await call('/pets/v1/pets/mine');
    expect(mine.status).toBe(200);
    expect(upstream.seen.at(-1)!.url).toBe('/pets/mine');
    const missing = await call('/nowhere');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'route_not_found', message: 'no route matches this host, method and path', requestId: missing.headers.get('x-request-id') });
    expect((await call('/pets/v1/pets/mine', { method: 'DELETE' })).status).toBe(200);
  });

  it('makes a newly published route routable within a second', async () => {
    expect((await call('/fresh/x')).status).toBe(404);
    const started = Date.now();
    await harness.publish(RouteStateV1, routeState({ routeId: 'r-fresh', path: '/fresh/{id}', upstreamUrl }));
    await waitFor(async () => (await call('/fresh/x')).status === 200, 15_000, 'route published');
    console.log(`route routable ${Date.now() - started} ms after its state record was produced (target: under a second)`);
    await harness.tombstone(RouteStateV1, 'r-fresh');
    await waitFor(async () => (await call('/fresh/x')).status === 404, 5_000, 'route removed');
  });

  it('keeps a client request id, and makes one when the client sent none', async () => {
    const kept = await call('/public/echo', { headers: { 'x-request-id': 'client-123' } });
    expect(kept.headers.get('x-request-id')).toBe('client-123');
    const made = await call('/public/echo', { headers: { 'x-request-id': 'bad id\twith tab' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('announces deprecation with Deprecation and Sunset headers and answers a retired version with 410', async () => {
    const deprecated = await call('/old/v1/echo');
    expect(deprecated.status).toBe(200);
    expect(deprecated.headers.get('deprecation')).toBe(`@${Date.parse('2026-01-01T00:00:00.000Z') / 1000}`);
    expect(deprecated.headers.get('sunset')).toBe('Wed, 30 Jun 2027 00:00:00 GMT');
    const retired = await call('/old/v0/echo');
    expect(retired.status).toBe(410);
    expect(await retired.json()).toMatchObject({ error: 'api_retired' });
  });

  it('rate limits per subscription with RateLimit headers and Retry-After', async () => {
    const limitedToken = await harness.token({ audience: 'https://api.acme.test/limited' });
    const answers = [];
    for (let index = 0; index < 4; index += 1) answers.push(await fetch(`${gateway.proxyUrl}/limited/echo`, { headers: { authorization: `Bearer ${limitedToken}` } }));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429]);
    expect(answers[0]!.headers.get('ratelimit-policy')).toBe('"plan-tiny";q=3;w=60');
    expect(answers[0]!.headers.get('ratelimit')).toMatch(/^"plan-tiny";r=2;t=\d+$/);
    const refused = answers[3]!;
    expect(refused.headers.get('ratelimit')).toMatch(/^"plan-tiny";r=0;t=\d+$/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toMatchObject({ error: 'rate_limited' });
  });

  it('refuses requests of a subscription whose quota metering reports exceeded', async () => {
    expect((await call('/pets/v1/pets/1')).status).toBe(200);
    await harness.publish(QuotaStateV1, quotaState());
    const refused = await waitFor(async () => {
      const answer = await call('/pets/v1/pets/1');
      return answer.status === 429 ? answer : null;
    }, 5_000, 'quota enforced');
    expect(await refused.json()).toMatchObject({ error: 'quota_exceeded', message: expect.stringContaining('daily requests quota') });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    await harness.publish(QuotaStateV1, quotaState({ status: 'ok', used: 10 }));
    await waitFor(async () => (await call('/pets/v1/pets/1')).status === 200, 5_000, 'quota reset');
  });

  it('refuses path traversal, encoded separators and invalid UTF-8 with 400 before routing', async () => {
    const request = (target: string) => rawRequest(port(), `GET ${target} HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n`);
    for (const target of ['/public/../../etc/passwd', '/public/%2e%2e/%2e%2e/etc', '/public/a%2Fb', '/public/a%5cb', '/public/%C3%28', '/public/%00x']) {
      const response = await request(target);
      expect(statusOf(response), target).toBe(400);
      expect(response).toContain('"requestId"');
    }
    const resolved = await request('/public//a/./b/../echo');
    expect(statusOf(resolved)).toBe(200);
    expect(upstream.seen.at(-1)!.url).toBe('/a/echo');
  });

  it('refuses request smuggling and malformed heads with clean 4xx and keeps serving', async () => {
    const smuggled = await rawRequest(port(), 'POST /public/echo HTTP/1.1\r\nHost: gw\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /public/echo HTTP/1.1\r\nHost: gw\r\n\r\n');
    expect(statusOf(smuggled)).toBe(400);
    expect(smuggled.match(/HTTP\/1\.1 \d{3}/g)).toHaveLength(1);
    expect(statusOf(await rawRequest(port(), 'POST /public/echo HTTP/1.1\r\nHost: gw\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab'))).toBe(400);
    expect(statusOf(await rawRequest(port(), 'POST /public/echo HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: gzip, chunked, identity\r\n\r\n'))).toBe(400);
    expect(statusOf(await rawRequest(port(), 'GET /public/echo HTTP/1.1\r\nHost: gw\r\nBad Header: x\r\n\r\n'))).toBe(400);
    expect(statusOf(await rawRequest(port(), `GET /public/echo HTTP/1.1\r\nHost: gw\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`))).toBe(431);
    expect(statusOf(await rawRequest(port(), `GET /public/${'a'.repeat(9_000)} HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n`))).toBe(414);
    const tooLarge = await fetch(`${gateway.proxyUrl}/public/upload`, { method: 'POST', body: 'x'.repeat(2048) });
    expect(tooLarge.status).toBe(413);
    const chunkedTooLarge = await fetch(`${gateway.proxyUrl}/public/upload`, {
      method: 'POST',
      body: new ReadableStream({ start(controller) { controller.enqueue(new Uint8Array(800)); controller.enqueue(new Uint8Array(800)); controller.close(); } }),
      duplex: 'half',
    } as RequestInit);
    expect(chunkedTooLarge.status).toBe(413);
    expect((await call('/public/echo')).status).toBe(200);
  });

  it('answers malformed and oversized tokens with 401 and keeps serving', async () => {
    expect((await fetch(`${gateway.proxyUrl}/pets/v1/pets/1`, { headers: { authorization: `Bearer ${'a'.repeat(9000)}` } })).status).toBe(401);
    expect((await fetch(`${gateway.proxyUrl}/pets/v1/pets/1`, { headers: { authorization: 'Bearer a.b.c.d.e' } })).status).toBe(401);
    expect((await fetch(`${gateway.proxyUrl}/pets/v1/pets/1`, { headers: { authorization: 'Bearer' } })).status).toBe(401);
    expect((await call('/pets/v1/pets/1')).status).toBe(200);
  });

  it('serves the same state from a second replica with its own consumer group and applies later events on both', async () => {
    const second = await harness.startGateway();
    expect((await fetch(`${second.proxyUrl}/pets/v1/pets/2`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    await harness.publish(RouteStateV1, routeState({ routeId: 'r-both', path: '/both/{id}', upstreamUrl, auth: { methods: [], requireEncryptedToken: false, scopes: [] } }));
    await waitFor(async () => (await fetch(`${second.proxyUrl}/both/1`)).status === 200 && (await fetch(`${gateway.proxyUrl}/both/1`)).status === 200, 5_000, 'both replicas route');
    await second.close();
  });

  it('hands ai routes to the AI handler after the gateway checks, and records their tokens', async () => {
    expect((await call('/ai/v1/chat/completions', { method: 'POST', body: '{}' })).status).toBe(501);
    const withAi = await harness.startGateway({}, async (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"choices":[]}');
      return { provider: 'openai', model: 'gpt-test', promptTokens: 12, completionTokens: 5, cachedTokens: 2, costMicros: 42, currency: 'USD' };
    });
    const usage = new UsageCollector(harness.kafka, harness.prefix);
    await usage.start();
    try {
      expect((await fetch(`${withAi.proxyUrl}/ai/v1/chat/completions`, { method: 'POST', body: '{}' })).status).toBe(401);
      const answer = await fetch(`${withAi.proxyUrl}/ai/v1/chat/completions`, { method: 'POST', body: '{}', headers: { authorization: `Bearer ${token}` } });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-request-id')).toBeTruthy();
      const id = answer.headers.get('x-request-id')!;
      await waitFor(() => usage.has([id]), 10_000, 'ai usage recorded');
      expect(usage.records.get(id)).toMatchObject({ routeId: 'r-ai', status: 200, ai: { provider: 'openai', model: 'gpt-test', promptTokens: 12, completionTokens: 5, cachedTokens: 2, costMicros: 42, currency: 'USD' } });
    } finally {
      await usage.stop();
      await withAi.close();
    }
  });

  it('exposes readiness, metrics with route ids, and an admin-guarded, tenant-scoped config view', async () => {
    expect((await fetch(`${gateway.controlUrl}/health/ready`)).status).toBe(200);
    const metrics = await (await fetch(`${gateway.controlUrl}/metrics`)).text();
    expect(metrics).toMatch(/gateway_requests_total\{route="r-pets",status_class="2xx",service="gateway"\} \d+/);
    expect(metrics).toContain('gateway_config_caught_up{service="gateway"} 1');
    expect(metrics).toContain('gateway_token_cache_hit_ratio');
    expect(metrics).not.toMatch(/route="\/pets/);

    expect((await fetch(`${gateway.controlUrl}/config`)).status).toBe(401);
    const admin = (await (await fetch(`${gateway.controlUrl}/config`, { headers: { authorization: `Bearer ${BOOTSTRAP_TOKEN}` } })).json()) as Record<string, { ids: string[] }> & { ready: boolean };
    expect(admin.ready).toBe(true);
    expect(admin.routes!.ids).toContain('r-pets');
    expect(admin.subscriptions!.ids).toEqual(expect.arrayContaining(['sub-1', 'sub-limited']));
    expect(admin).toHaveProperty('keys');

    const stranger = await harness.token({ audience: 'urn:gatehouse:admin', tenant: 'globex', clientId: 'console' });
    const scoped = (await (await fetch(`${gateway.controlUrl}/config`, { headers: { authorization: `Bearer ${stranger}` } })).json()) as Record<string, { count: number }>;
    expect(scoped.routes!.count).toBe(0);
    expect(scoped.subscriptions!.count).toBe(0);
    expect(scoped).not.toHaveProperty('keys');
  });
});

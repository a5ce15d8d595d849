import { connect } from 'node:net';
import { ApplicationStateV1, PlanStateV1, RouteStateV1, SubscriptionStateV1 } from '@gatehouse/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayHarness, type GatewayInstance, waitFor } from './testing/gateway-harness';
import { rawRequest, statusOf } from './testing/raw-http';
import { applicationState, planState, routeState, subscriptionState } from './testing/state-builders';
import { UpstreamServer } from './testing/upstream-server';
import { UsageCollector } from './testing/usage-collector';

const open = { methods: [] as never[], requireEncryptedToken: false, scopes: [] };

describe('gateway proxying: streaming, WebSockets, retries, balancing, breakers, usage', () => {
  let harness: GatewayHarness;
  let gateway: GatewayInstance;
  let usage: UsageCollector;
  const first = new UpstreamServer('first');
  const second = new UpstreamServer('second');
  const late = new UpstreamServer('late');
  const flaky = new UpstreamServer('flaky');
  let deadUrl: string;
  let brokenUrl: string;
  const call = (path: string, init?: RequestInit) => fetch(`${gateway.proxyUrl}${path}`, init);

  beforeAll(async () => {
    const firstUrl = await first.start();
    const secondUrl = await second.start();
    await late.start();
    deadUrl = late.url;
    await late.stop();
    brokenUrl = await flaky.start();
    await flaky.stop();
    harness = await GatewayHarness.create('proxy');
    const timeouts = { connectMs: 500, firstByteMs: 400, totalMs: 3_000 };
    const upstream = (targets: Array<{ url: string; weight: number }>, extra: Partial<RouteStateV1Upstream> = {}) => ({ targets, loadBalancing: 'weighted-round-robin' as const, timeouts, retries: { attempts: 2, backoffMs: 5 }, ...extra });
    await harness.publish(RouteStateV1, routeState({ routeId: 'r-stream', path: '/s/{rest*}', stripPrefix: '/s', auth: open, upstream: upstream([{ url: firstUrl, weight: 1 }]), maxBodyBytes: 64 * 1024 * 1024 }));
    await harness.publish(RouteStateV1, routeState({ routeId: 'r-ws', path: '/ws/{rest*}', stripPrefix: '/ws', upstream: upstream([{ url: firstUrl, weight: 1 }]) }));
    await harness.publish(RouteStateV1, routeState({ routeId: 'r-failover', path: '/failover/{rest*}', stripPrefix: '/failover', auth: open, upstream: upstream([{ url: deadUrl, weight: 5 }, { url: secondUrl, weight: 1 }]) }));
    await harness.publish(RouteStateV1, routeState({ routeId: 'r-weighted', path: '/weighted/{rest*}', stripPrefix: '/weighted', auth: open, upstream: upstream([{ url: firstUrl, weight: 3 }, { url: secondUrl, weight: 1 }]) }));
    await harness.publish(RouteStateV1, routeState({ routeId: 'r-least', path: '/least/{rest*}', stripPrefix: '/least', auth: open, upstream: upstream([{ url: firstUrl, weight: 1 }, { url: secondUrl, weight: 1 }], { loadBalancing: 'least-outstanding' }) }));
    await harness.publish(RouteStateV1, routeState({ routeId: 'r-flaky', path: '/flaky/{rest*}', stripPrefix: '/flaky', auth: open, upstream: upstream([{ url: secondUrl, weight: 1 }]) }));
    await harness.publish(RouteStateV1, routeState({ routeId: 'r-drip', path: '/drip/{rest*}', stripPrefix: '/drip', auth: open, upstream: upstream([{ url: firstUrl, weight: 1 }], { timeouts: { connectMs: 500, firstByteMs: 2_000, totalMs: 300 } }) }));
    await harness.publish(RouteStateV1, routeState({ routeId: 'r-broken', path: '/broken/{rest*}', stripPrefix: '/broken', auth: open, upstream: upstream([{ url: brokenUrl, weight: 1 }], { retries: { attempts: 0, backoffMs: 0 } }) }));
    await harness.publish(RouteStateV1, routeState({ routeId: 'r-dead', path: '/dead/{rest*}', stripPrefix: '/dead', auth: open, upstream: upstream([{ url: deadUrl, weight: 1 }], { retries: { attempts: 0, backoffMs: 0 } }) }));
    await harness.publish(ApplicationStateV1, applicationState());
    await harness.publish(PlanStateV1, planState());
    await harness.publish(SubscriptionStateV1, subscriptionState());
    gateway = await harness.startGateway({ GATEWAY_CIRCUIT_FAILURES: '5', GATEWAY_CIRCUIT_OPEN_MS: '400' });
    usage = new UsageCollector(harness.kafka, harness.prefix);
    await usage.start();
  });

  afterAll(async () => {
    await usage?.stop();
    await harness?.cleanup();
    await Promise.allSettled([first.stop(), second.stop()]);
  });

  it('flushes server-sent events chunk by chunk, before the upstream finishes', async () => {
    const response = await call('/s/sse');
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    let firstArrival = 0;
    let chunks = 0;
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      firstArrival ||= Date.now();
      chunks += 1;
      text += decoder.decode(chunk.value, { stream: true });
    }
    // Each event carries the upstream's send time: the first chunk reached the client before the last event was even written.
    const lastSentAt = Number(/event 3 at (\d+)/.exec(text)![1]);
    expect(chunks).toBeGreaterThanOrEqual(2);
    expect(firstArrival).toBeLessThan(lastSentAt);
  });

  it('streams a large upload to the upstream and the answer back', async () => {
    const size = 8 * 1024 * 1024;
    const response = await call('/s/upload', { method: 'POST', body: new Uint8Array(size) });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { bodyBytes: number }).bodyBytes).toBe(size);
  });

  it('passes a WebSocket upgrade through after authenticating it', async () => {
    const token = await harness.token();
    const port = Number(new URL(gateway.proxyUrl).port);
    const handshake = (auth: string) => `GET /ws/chat HTTP/1.1\r\nHost: gw\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${auth}\r\n`;
    expect(statusOf(await rawRequest(port, handshake('')))).toBe(401);
    const echoed = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(handshake(`Authorization: Bearer ${token}\r\n`)));
      let received = '';
      socket.on('data', (chunk) => {
        received += chunk.toString('latin1');
        if (received.includes('\r\n\r\n') && !received.includes('frame-1')) socket.write('frame-1');
        if (received.includes('frame-1')) socket.end();
      });
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
    });
    expect(statusOf(echoed)).toBe(101);
    expect(echoed.endsWith('frame-1')).toBe(true);
    const seen = first.seen.find((request) => request.url === '/chat')!;
    expect(seen.headers.upgrade).toBe('websocket');
    expect(seen.headers['x-gatehouse-application-id']).toBe('app-1');
    expect(seen.headers.authorization).toBeUndefined();
  });

  it('retries an idempotent request on another target and never retries one with a body', async () => {
    const get = await call('/failover/echo');
    expect(get.status).toBe(200);
    expect(((await get.json()) as { upstream: string }).upstream).toBe('second');
    const post = await call('/dead/echo', { method: 'POST', body: 'payload' });
    expect(post.status).toBe(502);
    expect(await post.json()).toMatchObject({ error: 'bad_gateway' });

    const before = second.hits.get('/status/503') ?? 0;
    expect((await call('/flaky/status/503')).status).toBe(503);
    expect((second.hits.get('/status/503') ?? 0) - before).toBe(3);
    const beforePost = second.hits.get('/status/503') ?? 0;
    expect((await call('/flaky/status/503', { method: 'POST', body: 'x' })).status).toBe(503);
    expect((second.hits.get('/status/503') ?? 0) - beforePost).toBe(1);
  });

  it('answers 504 when the upstream does not start answering in time', async () => {
    const response = await call('/s/slow?ms=2000');
    expect(response.status).toBe(504);
    expect(await response.json()).toMatchObject({ error: 'upstream_timeout', message: 'the upstream did not start answering in time' });
  });

  it('balances by weight and by least outstanding requests', async () => {
    const counts = { first: 0, second: 0 };
    for (let index = 0; index < 40; index += 1) {
      const body = (await (await call('/weighted/echo')).json()) as { upstream: 'first' | 'second' };
      counts[body.upstream] += 1;
    }
    expect(counts).toEqual({ first: 30, second: 10 });
    const slowHitsBefore = { first: first.hits.get('/slow') ?? 0, second: second.hits.get('/slow') ?? 0 };
    const slow = call('/least/slow?ms=400');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const picks: string[] = [];
    for (let index = 0; index < 4; index += 1) picks.push(((await (await call('/least/echo')).json()) as { upstream: string }).upstream);
    expect((await slow).status).toBe(200);
    const busy = (first.hits.get('/slow') ?? 0) > slowHitsBefore.first ? 'first' : 'second';
    expect(picks).toEqual(Array(4).fill(busy === 'first' ? 'second' : 'first'));
  });

  it('opens the circuit of a failing target, then closes it through a half-open probe', async () => {
    for (let index = 0; index < 5; index += 1) expect((await call('/broken/x')).status).toBe(502);
    const open = await call('/broken/x');
    expect(open.status).toBe(503);
    expect(await open.json()).toMatchObject({ error: 'upstream_unavailable' });
    const metrics = await (await fetch(`${gateway.controlUrl}/metrics`)).text();
    expect(metrics).toContain(`gateway_upstream_circuit_state{upstream="${brokenUrl}",service="gateway"} 2`);
    const revived = new UpstreamServer('revived');
    await revived.start(Number(new URL(brokenUrl).port));
    try {
      await waitFor(async () => (await call('/broken/x')).status === 200, 5_000, 'circuit closed again');
      const after = await (await fetch(`${gateway.controlUrl}/metrics`)).text();
      expect(after).toContain(`gateway_upstream_circuit_state{upstream="${brokenUrl}",service="gateway"} 0`);
    } finally {
      await revived.stop();
    }
  });

  it('records one usage record per request, refusals and parse errors included, with the request id as record id', async () => {
    const answers = [await call('/s/echo', { method: 'POST', body: 'hello' }), await call('/nowhere'), await fetch(`${gateway.proxyUrl}/ws/echo`)];
    const ids = answers.map((answer) => answer.headers.get('x-request-id')!);
    const parseError = await rawRequest(Number(new URL(gateway.proxyUrl).port), 'GET /s/echo HTTP/1.1\r\nHost: gw\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n');
    ids.push(/"requestId":"([^"]+)"/.exec(parseError)![1]!);
    await waitFor(() => usage.has(ids), 10_000, 'usage records on the topic');
    const [ok, missing, unauthorized, malformed] = ids.map((id) => usage.records.get(id)!);
    expect(ok).toMatchObject({ routeId: 'r-stream', status: 200, method: 'POST', bytesIn: 5, rejection: null, tenantId: 'acme' });
    expect(ok!.bytesOut).toBeGreaterThan(0);
    expect(ok!.upstreamLatencyMs).toBeGreaterThanOrEqual(0);
    expect(missing).toMatchObject({ routeId: null, status: 404, rejection: 'route_not_found', tenantId: 'unknown' });
    expect(unauthorized).toMatchObject({ routeId: 'r-ws', status: 401, rejection: 'unauthorized', applicationId: null });
    expect(malformed).toMatchObject({ status: 400, rejection: 'invalid_request' });
    for (const id of ids) expect(usage.counts.get(id)).toBe(1);
  });

  it('cuts a response that outlives the total timeout and records a client that left as 499', async () => {
    const cut = await call('/drip/drip?ms=1500');
    expect(cut.status).toBe(200);
    await expect(cut.text()).rejects.toThrow();
    const abort = new AbortController();
    const leaving = call('/s/slow?ms=2000', { signal: abort.signal });
    setTimeout(() => abort.abort(), 100);
    await expect(leaving).rejects.toThrow();
    await waitFor(() => [...usage.records.values()].some((record) => record.routeId === 'r-stream' && record.status === 499), 10_000, 'client abort recorded');
    const timedOut = await waitFor(() => [...usage.records.values()].find((record) => record.routeId === 'r-drip'), 10_000, 'cut response recorded');
    expect(timedOut).toMatchObject({ status: 502, rejection: 'upstream_timeout' });
  });

  it('drains requests in flight on shutdown and flushes their usage', async () => {
    const replica = await harness.startGateway();
    const slow = fetch(`${replica.proxyUrl}/s/slow?ms=300`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = replica.close();
    const answer = await slow;
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe('slow');
    await closing;
    await expect(fetch(`${replica.proxyUrl}/s/echo`)).rejects.toThrow();
    await waitFor(() => usage.has([answer.headers.get('x-request-id')!]), 10_000, 'drained request recorded');
  });
});

type RouteStateV1Upstream = ReturnType<typeof routeState>['upstream'];

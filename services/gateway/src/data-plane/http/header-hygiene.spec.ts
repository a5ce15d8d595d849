import { describe, expect, it } from 'vitest';
import { clientResponseHeaders, type UpstreamHeaderContext, upstreamRequestHeaders } from './header-hygiene';

const context: UpstreamHeaderContext = {
  requestId: 'req-1',
  clientIp: '10.0.0.9',
  proto: 'http',
  originalHost: 'api.example.com',
  upstreamHost: '127.0.0.1:9000',
  routeId: 'route-1',
  identity: { tenantId: 't1', applicationId: 'app-1', subject: 'user-1', scopes: ['pets:read', 'pets:write'], authMethod: 'bearer', subscriptionId: 'sub-1', planId: 'plan-1' },
  stripCredentials: true,
  upgrade: false,
};

const pairs = (flat: readonly string[]) => Array.from({ length: flat.length / 2 }, (_, index) => [flat[index * 2], flat[index * 2 + 1]]);
const get = (flat: readonly string[], name: string) => pairs(flat).filter(([key]) => key === name).map(([, value]) => value);

describe('upstreamRequestHeaders', () => {
  const raw = [
    'Host', 'api.example.com',
    'Connection', 'keep-alive, X-Secret-Hop',
    'X-Secret-Hop', 'drop me',
    'Keep-Alive', 'timeout=5',
    'TE', 'trailers',
    'Transfer-Encoding', 'chunked',
    'Upgrade', 'h2c',
    'Proxy-Authorization', 'Basic abc',
    'Authorization', 'Bearer token',
    'X-Api-Key', 'key',
    'X-Gatehouse-Tenant', 'forged',
    'x-gatehouse-scopes', 'admin',
    'X-Forwarded-For', '1.2.3.4',
    'Forwarded', 'for=1.2.3.4',
    'X-Request-Id', 'client-id',
    'Accept', 'application/json',
    'Cookie', 'a=1',
    'Content-Length', '12',
  ];

  it('removes hop-by-hop headers, including those named in Connection', () => {
    const out = upstreamRequestHeaders(raw, context);
    for (const name of ['connection', 'keep-alive', 'te', 'transfer-encoding', 'upgrade', 'proxy-authorization', 'x-secret-hop']) expect(get(out, name)).toEqual([]);
  });

  it('strips client-supplied identity and forwarding headers and asserts its own', () => {
    const out = upstreamRequestHeaders(raw, context);
    expect(get(out, 'x-gatehouse-tenant')).toEqual(['t1']);
    expect(get(out, 'x-gatehouse-scopes')).toEqual(['pets:read pets:write']);
    expect(get(out, 'x-gatehouse-application-id')).toEqual(['app-1']);
    expect(get(out, 'x-gatehouse-subject')).toEqual(['user-1']);
    expect(get(out, 'x-forwarded-for')).toEqual(['10.0.0.9']);
    expect(get(out, 'x-forwarded-host')).toEqual(['api.example.com']);
    expect(get(out, 'x-forwarded-proto')).toEqual(['http']);
    expect(get(out, 'forwarded')).toEqual([]);
    expect(get(out, 'x-request-id')).toEqual(['req-1']);
    expect(get(out, 'host')).toEqual(['127.0.0.1:9000']);
  });

  it('drops consumed credentials and keeps end-to-end headers', () => {
    const out = upstreamRequestHeaders(raw, context);
    expect(get(out, 'authorization')).toEqual([]);
    expect(get(out, 'x-api-key')).toEqual([]);
    expect(get(out, 'accept')).toEqual(['application/json']);
    expect(get(out, 'cookie')).toEqual(['a=1']);
    expect(get(out, 'content-length')).toEqual(['12']);
    const publicRoute = upstreamRequestHeaders(raw, { ...context, stripCredentials: false });
    expect(get(publicRoute, 'authorization')).toEqual(['Bearer token']);
  });

  it('keeps a WebSocket upgrade when passing one through', () => {
    const out = upstreamRequestHeaders(['Connection', 'Upgrade', 'Upgrade', 'websocket', 'Sec-WebSocket-Key', 'abc'], { ...context, upgrade: true });
    expect(get(out, 'connection')).toEqual(['upgrade']);
    expect(get(out, 'upgrade')).toEqual(['websocket']);
    expect(get(out, 'sec-websocket-key')).toEqual(['abc']);
  });
});

describe('clientResponseHeaders', () => {
  it('removes hop-by-hop response headers and appends the gateway ones', () => {
    const out = clientResponseHeaders(
      { 'content-type': 'text/plain', connection: 'keep-alive, x-internal', 'x-internal': '1', 'keep-alive': 'timeout=5', 'transfer-encoding': 'chunked', 'set-cookie': ['a=1', 'b=2'], 'x-request-id': 'upstream' },
      ['x-request-id', 'req-1', 'deprecation', '@1700000000'],
    );
    expect(pairs(out)).toEqual([
      ['content-type', 'text/plain'],
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
      ['x-request-id', 'req-1'],
      ['deprecation', '@1700000000'],
    ]);
  });
});

import { RouteStateV1 } from '@gatehouse/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayHarness, type GatewayInstance, waitFor } from '../../testing/gateway-harness';
import { routeState } from '../../testing/state-builders';
import { UpstreamServer } from '../../testing/upstream-server';

const open = { methods: [] as never[], requireEncryptedToken: false, scopes: [] };
const retired = { state: 'retired' as const, deprecatedAt: '2025-01-01T00:00:00.000Z', sunsetAt: '2025-06-01T00:00:00.000Z' };

describe('gateway route table: a live version on a retired version path', () => {
  let harness: GatewayHarness;
  let gateway: GatewayInstance;
  const v1 = new UpstreamServer('v1');
  const v2 = new UpstreamServer('v2');
  let v1Url: string;
  let v2Url: string;
  const call = (path: string) => fetch(`${gateway.proxyUrl}${path}`);
  const version = (routeId: string, apiVersionId: string, path: string, url: string, extra: Partial<ReturnType<typeof routeState>> = {}) =>
    routeState({ routeId, apiId: 'api-shop', apiVersionId, path, stripPrefix: '/shop', upstreamUrl: url, auth: open, ...extra });

  beforeAll(async () => {
    v1Url = await v1.start();
    v2Url = await v2.start();
    harness = await GatewayHarness.create('retired-shadow');
    gateway = await harness.startGateway();
  });

  afterAll(async () => {
    await harness?.cleanup();
    await Promise.allSettled([v1.stop(), v2.stop()]);
  });

  it('routes to the live version whichever route id sorts first, and keeps 410 for paths only the retired version had', async () => {
    // v1 published, then retired; v2 published on the same templates. The retired routes get
    // the smaller id on one path and the larger on the other.
    await harness.publish(RouteStateV1, version('a-v1-orders', 'shop-v1', '/shop/orders/{id}', v1Url));
    await waitFor(async () => (await call('/shop/orders/echo')).headers.get('x-upstream') === 'v1', 15_000, 'v1 routable');

    await harness.publish(RouteStateV1, version('a-v1-orders', 'shop-v1', '/shop/orders/{id}', v1Url, { lifecycle: retired }));
    await harness.publish(RouteStateV1, version('z-v1-carts', 'shop-v1', '/shop/carts/{id}', v1Url, { lifecycle: retired }));
    await harness.publish(RouteStateV1, version('m-v1-legacy', 'shop-v1', '/shop/legacy', v1Url, { lifecycle: retired }));
    await harness.publish(RouteStateV1, version('m-v2-orders', 'shop-v2', '/shop/orders/{orderId}', v2Url));
    await harness.publish(RouteStateV1, version('m-v2-carts', 'shop-v2', '/shop/carts/{cartId}', v2Url));
    const compiled = () => gateway.runtime.dataPlane.routes.routes;
    await waitFor(
      () => compiled().get('a-v1-orders')?.retired === true && ['z-v1-carts', 'm-v1-legacy', 'm-v2-orders', 'm-v2-carts'].every((id) => compiled().has(id)),
      15_000,
      'every route record compiled',
    );

    for (const path of ['/shop/orders/echo', '/shop/carts/echo']) {
      const response = await call(path);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { upstream: string }).upstream).toBe('v2');
    }
    const gone = await call('/shop/legacy');
    expect(gone.status).toBe(410);
    expect(await gone.json()).toMatchObject({ error: 'api_retired' });
  });
});

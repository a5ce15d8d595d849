import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { DataPlaneMetrics, type RouteInfo } from './data-plane-metrics';

describe('gateway_route_info', () => {
  it('reads the routes at each scrape: one series of value 1 per route, none for a removed route', async () => {
    const registry = new Registry();
    const routes = new Map<string, RouteInfo>([
      ['r-1', { routeId: 'r-1', apiName: 'Pets', tenantId: 'acme' }],
      ['r-2', { routeId: 'r-2', apiName: 'Orders', tenantId: 'globex' }],
    ]);
    new DataPlaneMetrics(registry, () => 0, () => 0, () => routes.values());

    const first = await registry.getSingleMetricAsString('gateway_route_info');
    expect(first).toContain('gateway_route_info{route="r-1",api="Pets",tenant="acme"} 1');
    expect(first).toContain('gateway_route_info{route="r-2",api="Orders",tenant="globex"} 1');

    routes.delete('r-1');
    routes.set('r-3', { routeId: 'r-3', apiName: 'Pets', tenantId: 'acme' });
    const second = await registry.getSingleMetricAsString('gateway_route_info');
    expect(second).not.toContain('route="r-1"');
    expect(second).toContain('gateway_route_info{route="r-3",api="Pets",tenant="acme"} 1');
    expect(second.split('\n').filter((line) => line.startsWith('gateway_route_info{'))).toHaveLength(2);
  });
});

import { describe, expect, it } from 'vitest';
import { describeCollisions, findCollisions, type RoutedRoute } from './route-collisions';

const routed = (overrides: Partial<RoutedRoute>): RoutedRoute => ({
  routeId: 'r1',
  tenantId: 'acme',
  apiId: 'api-1',
  apiName: 'Pets',
  version: 'v1',
  host: null,
  path: '/pets/{petId}',
  normalizedPath: '/pets/{}',
  methods: ['GET'],
  ...overrides,
});

describe('findCollisions', () => {
  const candidate = { path: '/pets/{id}', normalizedPath: '/pets/{}', methods: ['GET' as const, 'DELETE' as const] };

  it('collides on same host, method and path whatever the parameter names', () => {
    const collisions = findCollisions([candidate], null, [routed({})], 'acme');
    expect(collisions).toEqual([{ path: '/pets/{id}', methods: ['GET'], host: null, existing: { tenantId: 'acme', apiId: 'api-1', apiName: 'Pets', version: 'v1', path: '/pets/{petId}' } }]);
    expect(describeCollisions(collisions)).toBe('GET */pets/{id} collides with Pets v1 (/pets/{petId})');
  });

  it('does not collide on another method, path or host', () => {
    expect(findCollisions([candidate], null, [routed({ methods: ['POST'] })], 'acme')).toEqual([]);
    expect(findCollisions([candidate], null, [routed({ normalizedPath: '/pets/{}/photos' })], 'acme')).toEqual([]);
    expect(findCollisions([candidate], 'api.example.com', [routed({})], 'acme')).toEqual([]);
    expect(findCollisions([candidate], 'API.example.com', [routed({ host: 'api.example.com' })], 'acme')).toHaveLength(1);
  });

  it('reports routes of another tenant without their details', () => {
    expect(findCollisions([candidate], null, [routed({ tenantId: 'globex' })], 'acme')[0]!.existing).toEqual({ tenantId: null, note: 'a route of another tenant' });
  });
});

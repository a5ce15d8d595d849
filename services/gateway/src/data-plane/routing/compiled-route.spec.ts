import { describe, expect, it } from 'vitest';
import { routeState } from '../../testing/state-builders';
import { UpstreamRegistry } from '../upstream/upstream-registry';
import { compileRoute, lifecycleHeaders, upstreamPath } from './compiled-route';

describe('compiled routes', () => {
  it('announces deprecation in RFC 9745 and RFC 8594 form', () => {
    expect(lifecycleHeaders({ state: 'deprecated', deprecatedAt: '2026-01-01T00:00:00.000Z', sunsetAt: '2026-12-31T00:00:00.000Z' })).toEqual([
      'deprecation',
      '@1767225600',
      'sunset',
      'Thu, 31 Dec 2026 00:00:00 GMT',
    ]);
    expect(lifecycleHeaders({ state: 'published', deprecatedAt: null, sunsetAt: null })).toEqual([]);
  });

  it('strips the route prefix on a segment boundary and prepends the target base path', () => {
    const upstreams = new UpstreamRegistry();
    const route = compileRoute(routeState({ path: '/pets/v1/{rest*}', stripPrefix: '/pets/v1/', upstreamUrl: 'http://127.0.0.1:9000/base/' }), upstreams);
    const target = route.targets[0]!;
    expect(target.basePath).toBe('/base');
    expect(upstreamPath(route, target, '/pets/v1/pets/1', '?q=1')).toBe('/base/pets/1?q=1');
    expect(upstreamPath(route, target, '/pets/v1', '')).toBe('/base/');
    expect(upstreamPath(route, target, '/pets/v10/x', '')).toBe('/base/pets/v10/x');
    void upstreams.destroy();
  });

  it('derives the auth policy and shares one origin between routes', () => {
    const upstreams = new UpstreamRegistry();
    const open = compileRoute(routeState({ path: '/a', auth: { methods: [], requireEncryptedToken: false, scopes: [] } }), upstreams);
    const strict = compileRoute(routeState({ path: '/b', auth: { methods: ['bearer'], requireEncryptedToken: true, scopes: ['x:read'] } }), upstreams);
    expect(open.isPublic).toBe(true);
    expect(strict).toMatchObject({ isPublic: false, acceptsBearer: true, acceptsApiKey: false, requireEncrypted: true });
    expect(strict.scopeChallenge).toBe('Bearer error="insufficient_scope", error_description="The token lacks the required scope", scope="x:read"');
    expect(open.targets[0]!.upstream).toBe(strict.targets[0]!.upstream);
    void upstreams.destroy();
  });

  it("hands AI handlers the route's tenant, and the prompt id on prompt routes", () => {
    const upstreams = new UpstreamRegistry();
    const ai = compileRoute(routeState({ path: '/llm/v1/{rest*}', kind: 'ai', tenantId: 'globex' }), upstreams);
    const prompt = compileRoute(routeState({ routeId: 'r-summary', path: '/summary', kind: 'prompt', tenantId: 'initech' }), upstreams);
    expect(ai.aiContext).toEqual({ tenantId: 'globex' });
    expect(prompt.aiContext).toEqual({ tenantId: 'initech', promptApiId: 'r-summary' });
    void upstreams.destroy();
  });
});

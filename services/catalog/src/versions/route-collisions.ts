import type { HttpMethod } from '@gatehouse/contracts';

export interface CandidateRoute {
  path: string;
  normalizedPath: string;
  methods: HttpMethod[];
}

export interface RoutedRoute extends CandidateRoute {
  routeId: string;
  tenantId: string;
  apiId: string;
  apiName: string;
  version: string;
  host: string | null;
}

export interface RouteCollision {
  path: string;
  methods: HttpMethod[];
  host: string | null;
  /** The published route in the way; details only when it belongs to the caller's tenant. */
  existing: { tenantId: string; apiId: string; apiName: string; version: string; path: string } | { tenantId: null; note: string };
}

const sameHost = (a: string | null, b: string | null) => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();

/**
 * Candidate routes that would share host, method and path (parameter names erased) with a
 * route already routed. Routes of other tenants are reported without their details.
 */
export function findCollisions(candidates: readonly CandidateRoute[], host: string | null, routed: readonly RoutedRoute[], tenantId: string): RouteCollision[] {
  const collisions: RouteCollision[] = [];
  for (const candidate of candidates) {
    for (const other of routed) {
      if (other.normalizedPath !== candidate.normalizedPath || !sameHost(other.host, host)) continue;
      const methods = candidate.methods.filter((method) => other.methods.includes(method));
      if (methods.length === 0) continue;
      collisions.push({
        path: candidate.path,
        methods,
        host,
        existing:
          other.tenantId === tenantId
            ? { tenantId: other.tenantId, apiId: other.apiId, apiName: other.apiName, version: other.version, path: other.path }
            : { tenantId: null, note: 'a route of another tenant' },
      });
    }
  }
  return collisions;
}

export function describeCollisions(collisions: readonly RouteCollision[]): string {
  return collisions
    .slice(0, 10)
    .map((collision) => {
      const owner = 'apiName' in collision.existing ? `${collision.existing.apiName} ${collision.existing.version} (${collision.existing.path})` : collision.existing.note;
      return `${collision.methods.join(',')} ${collision.host ?? '*'}${collision.path} collides with ${owner}`;
    })
    .join('; ');
}

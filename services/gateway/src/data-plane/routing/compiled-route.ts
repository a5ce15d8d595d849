import { bearerChallenge } from '@gatehouse/auth';
import type { AiRouteContext } from '../server/ai-route';
import { type Balancer, LeastOutstanding, WeightedRoundRobin } from '../upstream/balancer';
import type { RouteTarget, UpstreamRegistry } from '../upstream/upstream-registry';
import type { RouteState } from '../state/state-types';

/** A route prepared for the request path: everything derived once, nothing parsed per request. */
export interface CompiledRoute {
  readonly id: string;
  readonly source: RouteState;
  readonly tenantId: string;
  readonly apiId: string;
  readonly audience: string;
  readonly kind: RouteState['kind'];
  readonly retired: boolean;
  /** `deprecation` / `sunset` response headers, flat; empty when published. */
  readonly lifecycleHeaders: readonly string[];
  readonly isPublic: boolean;
  readonly acceptsBearer: boolean;
  readonly acceptsApiKey: boolean;
  readonly requireEncrypted: boolean;
  readonly scopes: readonly string[];
  /** `WWW-Authenticate` for insufficient_scope, naming the scopes the route needs. */
  readonly scopeChallenge: string;
  readonly stripPrefix: string;
  readonly maxBodyBytes: number;
  readonly timeouts: RouteState['upstream']['timeouts'];
  readonly retries: RouteState['upstream']['retries'];
  readonly balancer: Balancer<RouteTarget>;
  readonly targets: readonly RouteTarget[];
  /** Handed to the AI handler on `ai` and `prompt` routes: the route's tenant (and prompt id). */
  readonly aiContext: AiRouteContext;
}

/** RFC 9745 `Deprecation: @<epoch seconds>` and RFC 8594 `Sunset: <HTTP-date>`. */
export function lifecycleHeaders(lifecycle: RouteState['lifecycle']): string[] {
  if (lifecycle.state !== 'deprecated') return [];
  const headers: string[] = [];
  const deprecatedAt = lifecycle.deprecatedAt === null ? null : Date.parse(lifecycle.deprecatedAt);
  // A deprecated version without a recorded instant is reported as deprecated since the epoch.
  headers.push('deprecation', `@${Math.floor((deprecatedAt ?? 0) / 1000)}`);
  if (lifecycle.sunsetAt !== null) headers.push('sunset', new Date(lifecycle.sunsetAt).toUTCString());
  return headers;
}

export function compileRoute(route: RouteState, upstreams: UpstreamRegistry): CompiledRoute {
  const timeouts = route.upstream.timeouts;
  const targets = route.upstream.targets.map((target) => upstreams.target(target.url, target.weight, timeouts.connectMs));
  const weighted = targets.map((target) => ({ target, weight: target.weight }));
  const balancer = route.upstream.loadBalancing === 'least-outstanding' ? new LeastOutstanding(weighted) : new WeightedRoundRobin(weighted);
  const scopes = [...route.auth.scopes];
  return {
    id: route.routeId,
    source: route,
    tenantId: route.tenantId,
    apiId: route.apiId,
    audience: route.audience,
    kind: route.kind,
    retired: route.lifecycle.state === 'retired',
    lifecycleHeaders: lifecycleHeaders(route.lifecycle),
    isPublic: route.auth.methods.length === 0,
    acceptsBearer: route.auth.methods.includes('bearer'),
    acceptsApiKey: route.auth.methods.includes('api_key'),
    requireEncrypted: route.auth.requireEncryptedToken,
    scopes,
    scopeChallenge: bearerChallenge('ERR_TOKEN_SCOPE', { scope: scopes.join(' ') }),
    stripPrefix: route.stripPrefix.replace(/\/+$/, ''),
    maxBodyBytes: route.maxBodyBytes,
    timeouts,
    retries: route.upstream.retries,
    balancer,
    targets,
    aiContext: Object.freeze(route.kind === 'prompt' ? { tenantId: route.tenantId, promptApiId: route.routeId } : { tenantId: route.tenantId }),
  };
}

/** The path sent upstream: the route's prefix stripped, the target's base path prepended. */
export function upstreamPath(route: CompiledRoute, target: RouteTarget, encodedPath: string, query: string): string {
  let rest = encodedPath;
  const prefix = route.stripPrefix;
  if (prefix.length > 0 && rest.startsWith(prefix) && (rest.length === prefix.length || rest.charCodeAt(prefix.length) === 0x2f)) {
    rest = rest.slice(prefix.length);
    if (rest.length === 0) rest = '/';
  }
  return target.basePath.length > 0 ? `${target.basePath}${rest}${query}` : `${rest}${query}`;
}

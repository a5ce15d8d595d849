import type { TokenVerifier } from '@gatehouse/auth';
import { authenticate } from '../auth/authenticate';
import { authorize } from '../auth/authorize';
import { isRejection, normalizeTarget } from '../http/path-normalizer';
import { type Rejection, rejections } from '../http/rejections';
import { hasDuplicateHost, hostOf } from '../http/request-meta';
import { enforceLimits } from '../limits/enforce-limits';
import type { RateLimiter } from '../limits/rate-limiter';
import type { RouteCompiler } from '../routing/route-compiler';
import type { GatewayState } from '../state/gateway-state';
import type { Exchange } from './exchange';

export interface AdmissionDeps {
  readonly state: GatewayState;
  readonly routes: RouteCompiler;
  readonly verifier: TokenVerifier;
  readonly limiter: RateLimiter;
  readonly maxUrlBytes: number;
  readonly now: () => number;
}

/**
 * The request pipeline up to the proxy, as plain steps: normalise the path, match the route,
 * apply its lifecycle, authenticate, authorize, and enforce rate limits and quotas. Returns
 * the first rejection, or null when the request may be proxied. Synchronous throughout: the
 * token verifier answers from its cache or verifies with prepared keys.
 */
export function admit(exchange: Exchange, deps: AdmissionDeps): Rejection | null {
  const url = exchange.req.url ?? '';
  if (url.length > deps.maxUrlBytes) return rejections.uriTooLong;
  if (hasDuplicateHost(exchange.req.rawHeaders)) return rejections.duplicateHost;
  const target = normalizeTarget(url);
  if (isRejection(target)) return target;
  exchange.encodedPath = target.encodedPath;
  exchange.query = target.query;
  const route = deps.routes.table.match(hostOf(exchange.req.headers.host), exchange.method, target.path);
  if (route === undefined) return rejections.routeNotFound;
  exchange.route = route;
  const lifecycle = route.lifecycleHeaders;
  for (let index = 0; index < lifecycle.length; index += 1) exchange.responseHeaders.push(lifecycle[index]!);
  if (route.retired) return rejections.retired;
  return authenticate(exchange, deps) ?? authorize(exchange, deps.state) ?? enforceLimits(exchange, deps.state, deps.limiter, deps.now());
}

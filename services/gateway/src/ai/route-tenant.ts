import type { IncomingMessage } from 'node:http';
import { isRejection, normalizeTarget } from '../data-plane/http/path-normalizer';
import { hostOf } from '../data-plane/http/request-meta';
import type { CompiledRoute } from '../data-plane/routing/compiled-route';
import type { RouteTable } from '../data-plane/routing/route-table';

/** The part of the route compiler the AI dispatcher reads. */
export interface RouteLookup {
  readonly table: RouteTable<CompiledRoute>;
  readonly routes: ReadonlyMap<string, CompiledRoute>;
}

/** Finds the tenant (API owner) of the route a request matched. */
export type RouteTenantOf = (req: IncomingMessage, context: { promptApiId?: string }) => string | undefined;

/**
 * The AI handler is called synchronously right after admission matched the route, so the
 * same table answers the same match again: a prompt route by its id, an `ai` route by
 * host, method and normalised path (the handler's context carries no route id for those).
 */
export function routeTenantOf(lookup: () => RouteLookup): RouteTenantOf {
  return (req, context) => {
    const routes = lookup();
    if (context.promptApiId !== undefined) return routes.routes.get(context.promptApiId)?.tenantId;
    const target = normalizeTarget(req.url ?? '');
    if (isRejection(target)) return undefined;
    return routes.table.match(hostOf(req.headers.host), req.method ?? 'GET', target.path)?.tenantId;
  };
}

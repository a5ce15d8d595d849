import type { GatewayState } from '../state/gateway-state';
import type { RouteState } from '../state/state-types';
import type { UpstreamRegistry } from '../upstream/upstream-registry';
import { type CompiledRoute, compileRoute } from './compiled-route';
import { RouteTable } from './route-table';

/**
 * Keeps a compiled route table in step with the state: a burst of route records triggers one
 * rebuild on the next turn of the event loop. Unchanged routes keep their compiled form (and
 * their balancer state); upstream origins no route uses any more are closed.
 */
export class RouteCompiler {
  private current: RouteTable<CompiledRoute> = new RouteTable([]);
  private compiled = new Map<string, CompiledRoute>();
  private scheduled = false;
  private readonly unsubscribe: () => void;
  /** Incremented on each rebuild. */
  version = 0;

  constructor(
    private readonly state: GatewayState,
    private readonly upstreams: UpstreamRegistry,
  ) {
    this.unsubscribe = state.onRoutesChanged(() => this.schedule());
    this.rebuild();
  }

  get table(): RouteTable<CompiledRoute> {
    return this.current;
  }

  get routes(): ReadonlyMap<string, CompiledRoute> {
    return this.compiled;
  }

  /** Rebuilds now (also called by the scheduled rebuild). */
  rebuild(): void {
    this.scheduled = false;
    const next = new Map<string, CompiledRoute>();
    const usedOrigins = new Set<string>();
    for (const [routeId, route] of this.state.routes) {
      const previous = this.compiled.get(routeId);
      const compiled = previous !== undefined && previous.source === route ? previous : this.compileSafely(route);
      if (compiled === null) continue;
      next.set(routeId, compiled);
      for (const target of compiled.targets) usedOrigins.add(target.upstream.origin);
    }
    this.compiled = next;
    this.current = new RouteTable(
      [...next.values()].map((route) => ({
        id: route.id,
        host: route.source.host,
        methods: route.source.methods,
        template: route.source.path,
        value: route,
        fallback: route.retired,
      })),
    );
    this.upstreams.retain(usedOrigins);
    this.version += 1;
  }

  close(): void {
    this.unsubscribe();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.rebuild());
  }

  private compileSafely(route: RouteState): CompiledRoute | null {
    try {
      return compileRoute(route, this.upstreams);
    } catch {
      return null;
    }
  }
}

import { Pool } from 'undici';
import type { BalancedTarget } from './balancer';
import { CircuitBreaker, type CircuitBreakerOptions, type CircuitState, defaultCircuitOptions } from './circuit-breaker';

export interface UpstreamPoolOptions {
  /** Keep-alive connections per origin. */
  readonly connections: number;
  readonly keepAliveTimeoutMs: number;
}

export const defaultPoolOptions: UpstreamPoolOptions = { connections: 64, keepAliveTimeoutMs: 30_000 };

/**
 * One upstream origin (`http(s)://host:port`): its keep-alive pools (one per connect
 * timeout), its circuit breaker, and its outstanding requests, shared by every route that
 * points at it.
 */
export class UpstreamOrigin {
  outstanding = 0;
  readonly breaker: CircuitBreaker;
  readonly host: string;
  readonly secure: boolean;
  readonly hostname: string;
  readonly port: number;
  private readonly pools = new Map<number, Pool>();

  constructor(
    readonly origin: string,
    private readonly poolOptions: UpstreamPoolOptions,
    circuit: CircuitBreakerOptions,
    onCircuitChange: (origin: string, state: CircuitState) => void,
  ) {
    const url = new URL(origin);
    this.host = url.host;
    this.secure = url.protocol === 'https:';
    this.hostname = url.hostname.replace(/^\[|\]$/g, '');
    this.port = url.port ? Number(url.port) : this.secure ? 443 : 80;
    this.breaker = new CircuitBreaker(circuit, (state) => onCircuitChange(origin, state));
  }

  pool(connectTimeoutMs: number): Pool {
    let pool = this.pools.get(connectTimeoutMs);
    if (pool === undefined) {
      pool = new Pool(this.origin, {
        connections: this.poolOptions.connections,
        pipelining: 1,
        keepAliveTimeout: this.poolOptions.keepAliveTimeoutMs,
        keepAliveMaxTimeout: this.poolOptions.keepAliveTimeoutMs,
        connect: { timeout: connectTimeoutMs },
      });
      this.pools.set(connectTimeoutMs, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.allSettled(pools.map((pool) => pool.close()));
  }

  async destroy(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.allSettled(pools.map((pool) => pool.destroy()));
  }
}

/** A target as one route sees it: a shared origin plus the route's base path and weight. */
export class RouteTarget implements BalancedTarget {
  readonly pool: Pool;

  constructor(
    readonly upstream: UpstreamOrigin,
    /** Path prefix of the target URL without a trailing slash (`''` for none). */
    readonly basePath: string,
    readonly weight: number,
    readonly connectTimeoutMs: number,
  ) {
    this.pool = upstream.pool(connectTimeoutMs);
  }

  get outstanding(): number {
    return this.upstream.outstanding;
  }

  isAvailable(now: number): boolean {
    return this.upstream.breaker.isAvailable(now);
  }
}

/** Every upstream origin in use, created on first use and closed when no route needs it. */
export class UpstreamRegistry {
  private readonly origins = new Map<string, UpstreamOrigin>();

  constructor(
    private readonly poolOptions: UpstreamPoolOptions = defaultPoolOptions,
    private readonly circuit: CircuitBreakerOptions = defaultCircuitOptions,
    private readonly onCircuitChange: (origin: string, state: CircuitState) => void = () => undefined,
  ) {}

  target(url: string, weight: number, connectTimeoutMs: number): RouteTarget {
    const parsed = new URL(url);
    let upstream = this.origins.get(parsed.origin);
    if (upstream === undefined) this.origins.set(parsed.origin, (upstream = new UpstreamOrigin(parsed.origin, this.poolOptions, this.circuit, this.onCircuitChange)));
    return new RouteTarget(upstream, parsed.pathname.replace(/\/+$/, ''), weight, connectTimeoutMs);
  }

  /** Closes (gracefully) the origins no route uses any more. */
  retain(used: ReadonlySet<string>): void {
    for (const [origin, upstream] of this.origins) {
      if (used.has(origin)) continue;
      this.origins.delete(origin);
      void upstream.close();
    }
  }

  all(): IterableIterator<UpstreamOrigin> {
    return this.origins.values();
  }

  async close(): Promise<void> {
    const origins = [...this.origins.values()];
    this.origins.clear();
    await Promise.allSettled(origins.map((origin) => origin.close()));
  }

  async destroy(): Promise<void> {
    const origins = [...this.origins.values()];
    this.origins.clear();
    await Promise.allSettled(origins.map((origin) => origin.destroy()));
  }
}

import type { TransportSecret } from '@gatehouse/auth';
import type { Logger } from '@gatehouse/observability';
import type { Registry } from 'prom-client';
import { createGatewayAuth, type GatewayAuth } from './auth/gateway-auth';
import { RateLimiter } from './limits/rate-limiter';
import { DataPlaneMetrics } from './metrics/data-plane-metrics';
import { RouteCompiler } from './routing/route-compiler';
import type { AiRouteHandler } from './server/ai-route';
import { DataPlaneServer } from './server/data-plane-server';
import { GatewayState } from './state/gateway-state';
import { UpstreamRegistry } from './upstream/upstream-registry';
import { UsageJournal } from './usage/usage-journal';
import type { UsageSink } from './usage/usage-record';
import { UsageShipper } from './usage/usage-shipper';

export interface DataPlaneSettings {
  readonly gatewayId: string;
  readonly replicas: number;
  readonly issuers: readonly string[];
  readonly transportSecrets: readonly TransportSecret[];
  readonly clockSkewSeconds: number;
  readonly tokenCacheSize: number;
  readonly journalDir: string;
  readonly maxHeaderBytes: number;
  readonly maxUrlBytes: number;
  readonly keepAliveTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly upstreamConnections: number;
  readonly circuitFailures: number;
  readonly circuitOpenMs: number;
  readonly usageBatchSize: number;
  readonly usageFlushMs: number;
  readonly usageSendTimeoutMs: number;
}

export interface DataPlaneInit {
  readonly settings: DataPlaneSettings;
  readonly registry: Registry;
  readonly sink: UsageSink;
  /** Whether the state is caught up; the data plane answers 503 until it is. */
  readonly isReady: () => boolean;
  readonly logger?: Logger;
  /** Serves `ai` and `prompt` routes (the AI gateway); without it they answer 501. */
  readonly aiHandler?: AiRouteHandler;
}

/**
 * The whole data plane, free of any framework: state, auth, limits, routes, upstreams,
 * usage, metrics and the HTTP server. The control plane feeds `state` and `auth` from Kafka.
 */
export class DataPlane {
  readonly state = new GatewayState();
  readonly auth: GatewayAuth;
  readonly metrics: DataPlaneMetrics;
  readonly upstreams: UpstreamRegistry;
  readonly routes: RouteCompiler;
  readonly usage: UsageShipper;
  readonly server: DataPlaneServer;
  readonly limiter: RateLimiter;

  constructor(init: DataPlaneInit) {
    const settings = init.settings;
    let auth: GatewayAuth | undefined;
    this.metrics = new DataPlaneMetrics(
      init.registry,
      () => (this.state.lastAppliedAt === 0 ? 0 : (Date.now() - this.state.lastAppliedAt) / 1000),
      () => {
        const stats = auth?.verifier.stats;
        const total = stats ? stats.cacheHits + stats.cacheMisses : 0;
        return total === 0 ? 0 : stats!.cacheHits / total;
      },
      () => this.state.routes.values(),
    );
    auth = createGatewayAuth({
      issuers: settings.issuers,
      transportSecrets: settings.transportSecrets,
      clockSkewSeconds: settings.clockSkewSeconds,
      cacheSize: settings.tokenCacheSize,
      metrics: this.metrics,
      ...(init.logger ? { logger: init.logger } : {}),
    });
    this.auth = auth;
    this.upstreams = new UpstreamRegistry(
      { connections: settings.upstreamConnections, keepAliveTimeoutMs: 30_000 },
      { failureThreshold: settings.circuitFailures, openMs: settings.circuitOpenMs },
      (origin, state) => this.metrics.circuitChanged(origin, state),
    );
    this.routes = new RouteCompiler(this.state, this.upstreams);
    this.limiter = new RateLimiter(settings.replicas);
    this.usage = new UsageShipper({
      sink: init.sink,
      journal: new UsageJournal({ directory: settings.journalDir }),
      metrics: this.metrics,
      batchSize: settings.usageBatchSize,
      flushIntervalMs: settings.usageFlushMs,
      sendTimeoutMs: settings.usageSendTimeoutMs,
      ...(init.logger ? { logger: init.logger } : {}),
    });
    this.server = new DataPlaneServer({
      state: this.state,
      routes: this.routes,
      verifier: auth.verifier,
      limiter: this.limiter,
      maxUrlBytes: settings.maxUrlBytes,
      now: Date.now,
      metrics: this.metrics,
      usage: this.usage,
      gatewayId: settings.gatewayId,
      isReady: init.isReady,
      maxHeaderBytes: settings.maxHeaderBytes,
      keepAliveTimeoutMs: settings.keepAliveTimeoutMs,
      requestTimeoutMs: settings.requestTimeoutMs,
      ...(init.aiHandler ? { aiHandler: init.aiHandler } : {}),
    });
  }

  /** Starts usage shipping and listens; resolves with the bound port. */
  async start(port: number, host: string): Promise<number> {
    this.usage.start();
    return this.server.listen(port, host);
  }

  /** Graceful stop: drain requests (until the deadline), flush usage, close upstream pools. */
  async stop(drainMs: number): Promise<void> {
    await this.server.close(drainMs);
    await this.usage.stop(Math.max(drainMs, 5_000));
    this.routes.close();
    this.auth.verifier.close();
    await this.upstreams.close();
  }
}

import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap, Optional } from '@nestjs/common';
import { EventProducer } from '@gatehouse/messaging';
import type { Logger } from '@gatehouse/observability';
import { KAFKA, LOGGER, METRICS, ReadinessRegistry } from '@gatehouse/platform';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { DataPlane } from '../data-plane/data-plane';
import { UsageProducerThread } from '../data-plane/usage/usage-producer-thread';
import type { GatewayConfig } from '../gateway.config';
import { StateFeed } from '../state-sync/state-feed';
import type { AiRouteHandler } from '../data-plane/server/ai-route';
import { createAiDispatcher } from '../ai/ai-dispatcher';
import { AiMetrics } from '../ai/ai-metrics';
import { AiStateStore } from '../ai/ai-state.store';
import { ProviderCredentials } from '../ai/provider-credentials';
import { GATEWAY_AI_HANDLER, GATEWAY_CONFIG } from './tokens';
import { gatewayTransportSecrets } from './transport-secrets';

/**
 * Owns the data plane and the state feed for the Nest control plane: starts the data-plane
 * server and the feed at bootstrap, reports readiness once the state is caught up, and on
 * shutdown drains requests and flushes usage before the producer disconnects.
 */
@Injectable()
export class GatewayRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly dataPlane: DataPlane;
  readonly feed: StateFeed;
  /** AI providers, models, policies and prompts per tenant, and the handler built from them. */
  readonly ai: AiStateStore;
  /** Produces usage records in a worker thread, off the request path's event loop. */
  private readonly usageProducer: UsageProducerThread;
  private ready = false;
  private proxyPort = 0;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(KAFKA) kafka: Kafka,
    @Inject(METRICS) registry: Registry,
    @Inject(LOGGER) private readonly logger: Logger,
    producer: EventProducer,
    readiness: ReadinessRegistry,
    @Optional() @Inject(GATEWAY_AI_HANDLER) aiHandler?: AiRouteHandler,
  ) {
    const { secrets, warning } = gatewayTransportSecrets(config);
    if (warning) logger.warn(warning);
    const aiMetrics = new AiMetrics(registry);
    this.ai = new AiStateStore({ credentials: new ProviderCredentials(secrets), metrics: aiMetrics, logger });
    // An explicit handler (tests, embedding) replaces the per-tenant one built from the AI topic.
    const ai = aiHandler ?? createAiDispatcher({ handlerFor: (tenantId) => this.ai.handlerFor(tenantId), onUsage: (usage) => aiMetrics.usage(usage) });
    this.usageProducer = new UsageProducerThread({
      service: 'gateway',
      clientId: `gatehouse-gateway-usage.${config.GATEWAY_ID}`,
      brokers: config.KAFKA_BROKERS,
      prefix: config.KAFKA_TOPIC_PREFIX,
      source: '/gatehouse/gateway',
      logLevel: config.LOG_LEVEL,
      registry,
      logger,
    });
    this.dataPlane = new DataPlane({
      settings: {
        gatewayId: config.GATEWAY_ID,
        replicas: config.GATEWAY_REPLICAS,
        issuers: config.TOKEN_ISSUER.split(',').map((issuer) => issuer.trim()),
        transportSecrets: secrets,
        clockSkewSeconds: config.CLOCK_SKEW_SECONDS,
        tokenCacheSize: config.GATEWAY_TOKEN_CACHE_SIZE,
        journalDir: config.GATEWAY_JOURNAL_DIR,
        maxHeaderBytes: config.GATEWAY_MAX_HEADER_BYTES,
        maxUrlBytes: config.GATEWAY_MAX_URL_BYTES,
        keepAliveTimeoutMs: config.GATEWAY_KEEP_ALIVE_TIMEOUT_MS,
        requestTimeoutMs: config.GATEWAY_REQUEST_TIMEOUT_MS,
        upstreamConnections: config.GATEWAY_UPSTREAM_CONNECTIONS,
        circuitFailures: config.GATEWAY_CIRCUIT_FAILURES,
        circuitOpenMs: config.GATEWAY_CIRCUIT_OPEN_MS,
        usageBatchSize: config.GATEWAY_USAGE_BATCH_SIZE,
        usageFlushMs: config.GATEWAY_USAGE_FLUSH_MS,
        usageSendTimeoutMs: config.GATEWAY_USAGE_SEND_TIMEOUT_MS,
      },
      registry,
      sink: this.usageProducer,
      isReady: () => this.ready,
      logger,
      aiHandler: ai,
    });
    this.feed = new StateFeed({
      kafka,
      prefix: config.KAFKA_TOPIC_PREFIX,
      groupId: `gatehouse-gateway.${config.GATEWAY_ID}`,
      state: this.dataPlane.state,
      auth: this.dataPlane.auth,
      producer,
      logger,
      registry,
      extra: this.ai,
    });
    readiness.add({
      name: 'state',
      check: async () => {
        if (!this.ready) throw new Error('state topics not caught up yet');
      },
    });
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** The data plane's bound port (useful when GATEWAY_PROXY_PORT is 0). */
  get port(): number {
    return this.proxyPort;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.usageProducer.start();
    this.proxyPort = await this.dataPlane.start(this.config.GATEWAY_PROXY_PORT, this.config.GATEWAY_PROXY_HOST);
    this.logger.info({ port: this.proxyPort }, `gateway data plane listening on :${this.proxyPort}`);
    await this.feed.start();
    void this.feed.caughtUp().then(() => {
      this.dataPlane.routes.rebuild();
      this.ai.flush();
      this.ready = true;
      this.dataPlane.metrics.caughtUp.set(1);
      this.logger.info({ routes: this.dataPlane.state.routes.size, aiTenants: this.ai.tenantCount }, 'gateway state caught up; serving');
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.dataPlane.stop(this.config.GATEWAY_DRAIN_TIMEOUT_MS);
    await this.usageProducer.close();
    await this.feed.stop().catch((error: unknown) => this.logger.warn({ err: error }, 'state feed stop failed'));
    await this.ai.close().catch((error: unknown) => this.logger.warn({ err: error }, 'AI provider pools did not close'));
  }
}

import { type DynamicModule, Global, Inject, Injectable, Module, Optional, type Provider, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { BaseConfig } from '@gatehouse/config';
import { createKafka, ensureTopics, EventProducer, messagingEntities, messagingMigrations, OutboxRelay } from '@gatehouse/messaging';
import { createLogger, createMetricsRegistry, type Logger, type Registry } from '@gatehouse/observability';
import { createServiceDataSource, openServiceDataSource } from '@gatehouse/persistence';
import type { Admin, Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { HealthController } from './health.controller';
import { ReadinessRegistry } from './readiness';
import { CONFIG, KAFKA, LOGGER, METRICS, PLATFORM_OPTIONS } from './tokens';

export interface PlatformOptions {
  /** Service name: logger name, metrics label, Kafka client id, default Postgres schema. */
  service: 'keys' | 'identity' | 'catalog' | 'gateway' | 'metering';
  config: BaseConfig;
  entities?: Function[];
  migrations?: Function[];
  /** `false` for a service with no database of its own (the gateway's state lives in Kafka). */
  database?: boolean;
  logger?: Logger;
  registry?: Registry;
  /** The Kafka client; one pointed at `config.KAFKA_BROKERS` is created when absent. */
  kafka?: Kafka;
}

@Injectable()
class PlatformLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private admin: Admin | undefined;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly producer: EventProducer,
    readiness: ReadinessRegistry,
    @Optional() private readonly dataSource?: DataSource,
    @Optional() private readonly relay?: OutboxRelay,
  ) {
    const database = this.dataSource;
    if (database) readiness.add({ name: 'postgres', check: async () => void (await database.query('select 1')) });
    readiness.add({
      name: 'kafka',
      check: async () => {
        this.admin ??= this.kafka.admin();
        await this.admin.connect();
        await this.admin.describeCluster();
        if (!this.producer.isConnected()) throw new Error('producer is not connected');
      },
    });
  }

  async onApplicationBootstrap() {
    await this.relay?.start();
  }

  async onApplicationShutdown() {
    await this.relay?.stop().catch((error: unknown) => this.logger.warn({ err: error }, 'outbox relay stop failed'));
    await this.producer.disconnect().catch((error: unknown) => this.logger.warn({ err: error }, 'producer disconnect failed'));
    await this.admin?.disconnect().catch(() => undefined);
    if (this.dataSource?.isInitialized) await this.dataSource.destroy();
  }
}

/**
 * What every Gatehouse service stands on: validated config, logger, metrics, its own
 * Postgres schema with migrations run at start, Kafka topics ensured from the registry, an
 * event producer, the outbox relay, and the health and metrics endpoints.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const logger = options.logger ?? createLogger({ service: options.service, level: options.config.LOG_LEVEL });
    const registry = options.registry ?? createMetricsRegistry(options.service);
    const prefix = options.config.KAFKA_TOPIC_PREFIX;
    const database = options.database !== false;
    const databaseProviders: Provider[] = database
      ? [
          {
            provide: DataSource,
            useFactory: () =>
              openServiceDataSource(
                createServiceDataSource({
                  url: options.config.DATABASE_URL,
                  schema: options.config.DATABASE_SCHEMA ?? options.service,
                  entities: [...messagingEntities, ...(options.entities ?? [])],
                  migrations: [...messagingMigrations, ...(options.migrations ?? [])],
                  applicationName: `gatehouse-${options.service}`,
                }),
              ),
          },
          {
            provide: OutboxRelay,
            inject: [DataSource, EventProducer],
            useFactory: (dataSource: DataSource, producer: EventProducer) => new OutboxRelay({ dataSource, producer, logger, registry }),
          },
        ]
      : [];
    return {
      module: PlatformModule,
      controllers: [HealthController],
      providers: [
        { provide: PLATFORM_OPTIONS, useValue: options },
        { provide: CONFIG, useValue: options.config },
        { provide: LOGGER, useValue: logger },
        { provide: METRICS, useValue: registry },
        ReadinessRegistry,
        { provide: KAFKA, useValue: options.kafka ?? createKafka({ clientId: `gatehouse-${options.service}`, brokers: options.config.KAFKA_BROKERS, logger }) },
        {
          provide: EventProducer,
          inject: [KAFKA],
          useFactory: async (kafka: Kafka) => {
            await ensureTopics(kafka, prefix);
            const producer = new EventProducer(kafka, { prefix, source: `/gatehouse/${options.service}`, registry, logger });
            await producer.connect();
            return producer;
          },
        },
        ...databaseProviders,
        PlatformLifecycle,
      ],
      exports: [CONFIG, LOGGER, METRICS, KAFKA, EventProducer, ReadinessRegistry, ...(database ? [DataSource, OutboxRelay] : [])],
    };
  }
}

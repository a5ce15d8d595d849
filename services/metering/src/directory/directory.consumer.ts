import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { BaseConfig } from '@gatehouse/config';
import { ApiStateV1, ApplicationStateV1, type EventData, PlanStateV1, SubscriptionStateV1 } from '@gatehouse/contracts';
import { EventProducer, type StateRecord, StateTopicReader } from '@gatehouse/messaging';
import type { Logger, Registry } from '@gatehouse/observability';
import { CONFIG, KAFKA, LOGGER, METRICS, ReadinessRegistry } from '@gatehouse/platform';
import type { Kafka } from 'kafkajs';
import { METERING_SETTINGS, type MeteringSettings } from '../metering.config';
import { DirectoryRepository } from './directory.repository';

/**
 * Follows the compacted application, API, plan and subscription topics into local tables:
 * who may see which usage, and which quotas apply. Ready once caught up with them.
 */
@Injectable()
export class DirectoryConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly reader: StateTopicReader;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(CONFIG) config: BaseConfig,
    @Inject(METERING_SETTINGS) settings: MeteringSettings,
    @Inject(LOGGER) logger: Logger,
    @Inject(METRICS) registry: Registry,
    producer: EventProducer,
    private readonly directory: DirectoryRepository,
    readiness: ReadinessRegistry,
  ) {
    this.reader = new StateTopicReader({
      kafka,
      prefix: config.KAFKA_TOPIC_PREFIX,
      definitions: [ApplicationStateV1, ApiStateV1, PlanStateV1, SubscriptionStateV1],
      groupId: `${settings.consumerGroup}.directory`,
      onRecord: (record) => this.apply(record),
      producer,
      logger,
      registry,
    });
    readiness.add({
      name: 'directory-caught-up',
      check: async () => {
        if (!this.reader.isCaughtUp()) throw new Error('still reading the application, API, plan and subscription topics');
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.reader.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.reader.stop();
  }

  isCaughtUp(): boolean {
    return this.reader.isCaughtUp();
  }

  /** Resolves once the state topics were read up to their high-water marks at start. */
  caughtUp(): Promise<void> {
    return this.reader.caughtUp();
  }

  private async apply({ definition, key, envelope }: StateRecord): Promise<void> {
    const data = envelope?.data;
    switch (definition.type) {
      case ApplicationStateV1.type:
        return data ? this.directory.putApplication(data as EventData<typeof ApplicationStateV1>) : this.directory.remove('applications', key);
      case ApiStateV1.type:
        return data ? this.directory.putApi(data as EventData<typeof ApiStateV1>) : this.directory.remove('apis', key);
      case PlanStateV1.type:
        return data ? this.directory.putPlan(data as EventData<typeof PlanStateV1>) : this.directory.remove('plans', key);
      case SubscriptionStateV1.type:
        return data ? this.directory.putSubscription(data as EventData<typeof SubscriptionStateV1>) : this.directory.remove('subscriptions', key);
    }
  }
}

import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { ApplicationState, KeyState, RevocationState, RevocationStore } from '@gatehouse/auth';
import { ApiStateV1, ApplicationStateV1, KeyStateV1, PLATFORM_TENANT, RevocationStateV1, SubscriptionStateV1 } from '@gatehouse/contracts';
import { EventProducer, type StateRecord, StateTopicReader } from '@gatehouse/messaging';
import type { Logger, Registry } from '@gatehouse/observability';
import { KAFKA, LOGGER, METRICS, ReadinessRegistry } from '@gatehouse/platform';
import type { Kafka } from 'kafkajs';
import { type ApiState, type SubscriptionState, SubscriptionIndex } from '../catalog/subscription-index';
import { Clock } from '../common/clock';
import { ClientRegistry } from '../credentials/client-registry';
import type { IdentityConfig } from '../config/identity-config';
import { IDENTITY_CONFIG } from '../core/identity-core.module';
import { KeyStore } from '../keys/key-store';
import { REVOCATION_STORE } from '../tokens/revocations.service';

/**
 * Follows the compacted topics identity reads: keys (signing material, encryption public
 * keys), the catalog's APIs and subscriptions, and its own revocations and application
 * states (so introspection refuses exactly what a gateway refuses). Everything lands in
 * memory; the token path never waits on Kafka. Not ready until caught up with an active
 * signing key.
 */
@Injectable()
export class StateFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly reader: StateTopicReader;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(IDENTITY_CONFIG) config: IdentityConfig,
    @Inject(LOGGER) logger: Logger,
    @Inject(METRICS) registry: Registry,
    producer: EventProducer,
    private readonly keys: KeyStore,
    private readonly catalog: SubscriptionIndex,
    @Inject(REVOCATION_STORE) private readonly revocations: RevocationStore,
    private readonly clock: Clock,
    private readonly clients: ClientRegistry,
    readiness: ReadinessRegistry,
  ) {
    this.reader = new StateTopicReader({
      kafka,
      prefix: config.KAFKA_TOPIC_PREFIX,
      definitions: [KeyStateV1, ApiStateV1, SubscriptionStateV1, RevocationStateV1, ApplicationStateV1],
      groupId: 'gatehouse-identity-state',
      onRecord: (record) => this.apply(record),
      producer,
      logger,
      registry,
    });
    readiness.add({
      name: 'state-caught-up',
      check: async () => {
        if (!this.reader.isCaughtUp()) throw new Error('still reading the key, catalog and revocation state topics');
      },
    });
    readiness.add({
      name: 'signing-key',
      check: async () => {
        if (!this.keys.activeSigningKey(PLATFORM_TENANT, this.clock.now())) throw new Error('no active signing key is known (waiting for the keys service)');
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.reader.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.reader.stop();
  }

  /** Resolves once the topics were read up to where they stood at start. */
  caughtUp(): Promise<void> {
    return this.reader.caughtUp();
  }

  private async apply({ definition, key, envelope }: StateRecord): Promise<void> {
    const data = envelope?.data ?? null;
    switch (definition.type) {
      case KeyStateV1.type:
        return this.keys.apply(data as KeyState | null, key);
      case ApiStateV1.type:
        return this.catalog.applyApi(data as ApiState | null, key);
      case SubscriptionStateV1.type:
        return this.catalog.applySubscription(data as SubscriptionState | null, key);
      case RevocationStateV1.type:
        return this.revocations.applyRevocation(data as RevocationState | null, key);
      case ApplicationStateV1.type:
        // Another replica changed the application: drop the cached client record here too.
        this.clients.invalidate(key);
        return this.revocations.applyApplication(data as ApplicationState | null, key);
    }
  }
}

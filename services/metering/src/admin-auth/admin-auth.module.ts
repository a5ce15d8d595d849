import { type DynamicModule, Inject, Injectable, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ADMIN_BOOTSTRAP_SECRET, ADMIN_TOKEN_VERIFIER, AdminAuthGuard, feedAuthState, RevocationStore, TokenVerifier, VerificationKeyRing } from '@gatehouse/auth';
import type { BaseConfig } from '@gatehouse/config';
import { EventProducer, type StateTopicReader } from '@gatehouse/messaging';
import type { Logger, Registry } from '@gatehouse/observability';
import { CONFIG, KAFKA, LOGGER, METRICS, ReadinessRegistry } from '@gatehouse/platform';
import type { Kafka } from 'kafkajs';
import { METERING_SETTINGS, type MeteringSettings } from '../metering.config';

export interface AdminAuthOptions {
  issuer: string;
  bootstrapToken: string | null;
}

const ADMIN_AUTH_OPTIONS = Symbol('ADMIN_AUTH_OPTIONS');

/** Keeps the admin token verifier's keys and revocations current from the compacted topics. */
@Injectable()
class AdminAuthState implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly keys = new VerificationKeyRing();
  readonly revocations = new RevocationStore();
  private readonly reader: StateTopicReader;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(CONFIG) config: BaseConfig,
    @Inject(METERING_SETTINGS) settings: MeteringSettings,
    @Inject(LOGGER) logger: Logger,
    @Inject(METRICS) registry: Registry,
    producer: EventProducer,
    readiness: ReadinessRegistry,
  ) {
    this.reader = feedAuthState({
      kafka,
      prefix: config.KAFKA_TOPIC_PREFIX,
      groupId: `${settings.consumerGroup}.admin-auth`,
      keys: this.keys,
      revocations: this.revocations,
      producer,
      logger,
      registry,
    });
    readiness.add({
      name: 'admin-auth-caught-up',
      check: async () => {
        if (!this.reader.isCaughtUp()) throw new Error('still reading signing keys and revocations');
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.reader.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.reader.stop();
  }
}

/** AdminAuthGuard for the usage API: member tokens verified against the published signing keys, or the bootstrap secret. */
@Module({})
export class AdminAuthModule {
  static forRoot(options: AdminAuthOptions): DynamicModule {
    return {
      module: AdminAuthModule,
      global: true,
      providers: [
        { provide: ADMIN_AUTH_OPTIONS, useValue: options },
        AdminAuthState,
        {
          provide: ADMIN_TOKEN_VERIFIER,
          inject: [AdminAuthState, ADMIN_AUTH_OPTIONS],
          useFactory: (state: AdminAuthState, settings: AdminAuthOptions) => new TokenVerifier({ issuer: settings.issuer, keys: state.keys, revocations: state.revocations }),
        },
        { provide: ADMIN_BOOTSTRAP_SECRET, useValue: options.bootstrapToken },
        AdminAuthGuard,
      ],
      exports: [ADMIN_TOKEN_VERIFIER, ADMIN_BOOTSTRAP_SECRET, AdminAuthGuard],
    };
  }
}

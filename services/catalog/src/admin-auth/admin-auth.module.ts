import { type DynamicModule, Global, Inject, Injectable, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ADMIN_BOOTSTRAP_SECRET, ADMIN_TOKEN_VERIFIER, AdminAuthGuard, feedAuthState, RevocationStore, TokenVerifier, VerificationKeyRing } from '@gatehouse/auth';
import { EventProducer, type StateTopicReader } from '@gatehouse/messaging';
import type { Logger } from '@gatehouse/observability';
import { KAFKA, LOGGER, ReadinessRegistry } from '@gatehouse/platform';
import type { Kafka } from 'kafkajs';

export interface AdminAuthSettings {
  issuer: string;
  bootstrapToken: string | null;
  clockSkewSeconds: number;
  prefix: string;
  /** Consumer group base of the key-state reader; a unique suffix is added per instance. */
  groupId: string;
}

const SETTINGS = Symbol('ADMIN_AUTH_SETTINGS');
const CATCH_UP_TIMEOUT_MS = 30_000;

/** Verification keys and revocations of member tokens, rebuilt from the compacted topics. */
@Injectable()
export class AdminAuthState implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly keys = new VerificationKeyRing();
  readonly revocations = new RevocationStore();
  private readonly reader: StateTopicReader;

  constructor(
    @Inject(SETTINGS) settings: AdminAuthSettings,
    @Inject(KAFKA) kafka: Kafka,
    producer: EventProducer,
    readiness: ReadinessRegistry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.reader = feedAuthState({ kafka, prefix: settings.prefix, groupId: settings.groupId, producer, logger, keys: this.keys, revocations: this.revocations });
    readiness.add({
      name: 'admin-keys',
      check: async () => {
        if (!this.reader.isCaughtUp()) throw new Error('member token keys are not loaded yet');
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.reader.start();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, CATCH_UP_TIMEOUT_MS)));
    await Promise.race([this.reader.caughtUp(), late]).finally(() => clearTimeout(timer));
    if (!this.reader.isCaughtUp()) this.logger.warn('member token keys still loading; admin calls may answer 401 until caught up');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.reader.stop().catch((error: unknown) => this.logger.warn({ err: error }, 'key state reader stop failed'));
  }
}

/** AdminAuthGuard for the catalog: member tokens verified against the keys on `gatehouse.keys.state`, or the bootstrap secret. */
@Global()
@Module({})
export class AdminAuthModule {
  static forRoot(settings: AdminAuthSettings): DynamicModule {
    return {
      module: AdminAuthModule,
      providers: [
        { provide: SETTINGS, useValue: settings },
        AdminAuthState,
        {
          provide: ADMIN_TOKEN_VERIFIER,
          inject: [AdminAuthState],
          useFactory: (state: AdminAuthState) =>
            new TokenVerifier({ issuer: settings.issuer, keys: state.keys, revocations: state.revocations, clockSkewSeconds: settings.clockSkewSeconds }),
        },
        { provide: ADMIN_BOOTSTRAP_SECRET, useValue: settings.bootstrapToken },
        AdminAuthGuard,
      ],
      exports: [ADMIN_TOKEN_VERIFIER, ADMIN_BOOTSTRAP_SECRET, AdminAuthGuard, AdminAuthState],
    };
  }
}

import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ApplicationStateV1, RevocationStateV1 } from '@gatehouse/contracts';
import { EventProducer, StateTopicReader } from '@gatehouse/messaging';
import type { Logger, Registry } from '@gatehouse/observability';
import { KAFKA, LOGGER, METRICS, ReadinessRegistry } from '@gatehouse/platform';
import type { Kafka } from 'kafkajs';
import { VerificationKeyRing } from './key-ring';
import { authStateHandler, feedAuthState } from './key-ring-feeder';
import { RevocationStore } from './revocation-store';

/** Where AdminAuthState reads the member-token keys and revocations from. */
export interface AdminAuthStateOptions {
  /** Kafka topic prefix (`KAFKA_TOPIC_PREFIX`). */
  prefix: string;
  /** Consumer group base of the state reader; each instance adds a unique suffix. */
  groupId: string;
  /**
   * `topic` (default): the keys come from `gatehouse.keys.state`. `own`: the service feeds
   * `keys` itself (the keys service, which is their source) and only revocations are read.
   */
  keys?: 'topic' | 'own';
}

/** Injection token of the AdminAuthStateOptions. */
export const ADMIN_AUTH_STATE_OPTIONS = Symbol('ADMIN_AUTH_STATE_OPTIONS');

/** Name of the readiness check AdminAuthState adds. */
export const ADMIN_AUTH_READINESS = 'admin-auth-caught-up';

const CATCH_UP_TIMEOUT_MS = 30_000;

/**
 * The verification keys and revocations of member tokens, rebuilt from the compacted topics
 * (`gatehouse.keys.state` unless the service feeds its own keys, `gatehouse.identity.revocations`,
 * `gatehouse.identity.applications`).
 * Bootstrap waits up to 30 s for the reader to catch up, so admin calls right after start are
 * not refused for want of a key; readiness reports not ready until it has.
 */
@Injectable()
export class AdminAuthState implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly keys = new VerificationKeyRing();
  readonly revocations = new RevocationStore();
  private readonly reader: StateTopicReader;

  constructor(
    @Inject(ADMIN_AUTH_STATE_OPTIONS) options: AdminAuthStateOptions,
    @Inject(KAFKA) kafka: Kafka,
    @Inject(METRICS) registry: Registry,
    @Inject(LOGGER) private readonly logger: Logger,
    producer: EventProducer,
    readiness: ReadinessRegistry,
  ) {
    const reader = { kafka, prefix: options.prefix, groupId: options.groupId, producer, logger, registry };
    this.reader =
      options.keys === 'own'
        ? new StateTopicReader({ ...reader, definitions: [RevocationStateV1, ApplicationStateV1], onRecord: authStateHandler({ keys: this.keys, revocations: this.revocations }) })
        : feedAuthState({ ...reader, keys: this.keys, revocations: this.revocations });
    readiness.add({
      name: ADMIN_AUTH_READINESS,
      check: async () => {
        if (!this.reader.isCaughtUp()) throw new Error('still reading member token keys and revocations');
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
    await this.reader.stop().catch((error: unknown) => this.logger.warn({ err: error }, 'admin auth state reader stop failed'));
  }
}

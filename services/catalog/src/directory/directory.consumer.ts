import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ApplicationStateV1, type Envelope, type EventData, isEvent, TeamChangedV1 } from '@gatehouse/contracts';
import { EventConsumer, EventProducer, NonRetriableError } from '@gatehouse/messaging';
import type { Logger, Registry } from '@gatehouse/observability';
import { KAFKA, LOGGER, METRICS, ReadinessRegistry } from '@gatehouse/platform';
import type { Kafka } from 'kafkajs';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { CATALOG_SOURCE } from '../events/catalog-outbox';
import { CancelApplicationSubscriptions } from './cancel-application-subscriptions';
import { DirectoryRepository } from './directory.repository';
import { ApplicationEntity } from './entities/application.entity';
import { TeamEntity } from './entities/team.entity';

export const DIRECTORY_CONSUMER_OPTIONS = Symbol('DIRECTORY_CONSUMER_OPTIONS');

export interface DirectoryConsumerOptions {
  prefix: string;
  groupId: string;
}

/**
 * Mirrors identity's teams (TeamChangedV1) and applications (ApplicationStateV1, tombstones
 * included) idempotently: each event's effect commits with its id in the processed-events
 * ledger, and older records never overwrite newer ones. A deleted application's open
 * subscriptions are cancelled in the same transaction.
 */
@Injectable()
export class DirectoryConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumer: EventConsumer;

  constructor(
    @Inject(DIRECTORY_CONSUMER_OPTIONS) options: DirectoryConsumerOptions,
    @Inject(KAFKA) kafka: Kafka,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) registry: Registry,
    producer: EventProducer,
    dataSource: DataSource,
    readiness: ReadinessRegistry,
    private readonly directory: DirectoryRepository,
    private readonly cancellation: CancelApplicationSubscriptions,
    private readonly clock: Clock,
  ) {
    this.consumer = new EventConsumer({
      kafka,
      groupId: options.groupId,
      prefix: options.prefix,
      source: CATALOG_SOURCE,
      definitions: [TeamChangedV1, ApplicationStateV1],
      dataSource,
      producer,
      registry,
      logger,
      handle: (envelope, context) => this.handle(envelope, requireManager(context.manager)),
      onTombstone: (key, context) => this.applicationGone(key, requireManager(context.manager)),
    });
    readiness.add({
      name: 'identity-directory',
      check: async () => {
        const problem = this.consumer.problem();
        if (problem) throw new Error(`the identity directory ${problem}`);
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.stop().catch((error: unknown) => this.logger.warn({ err: error }, 'directory consumer stop failed'));
  }

  lag(): Promise<number> {
    return this.consumer.lag();
  }

  private async handle(envelope: Envelope, manager: EntityManager): Promise<void> {
    if (isEvent(TeamChangedV1, envelope)) {
      const team = envelope.data;
      await this.directory.upsertTeam(Object.assign(new TeamEntity(), { id: team.teamId, tenantId: team.tenantId, name: team.name, status: team.status, changedAt: new Date(team.at) }), manager);
      return;
    }
    if (isEvent(ApplicationStateV1, envelope)) await this.applicationChanged(envelope.data, manager);
  }

  private async applicationChanged(data: EventData<typeof ApplicationStateV1>, manager: EntityManager): Promise<void> {
    const known = await this.directory.findApplication(data.applicationId, manager);
    if (known && known.tenantId !== data.tenantId) throw new NonRetriableError(`application ${data.applicationId} changed tenant (${known.tenantId} → ${data.tenantId})`);
    const stored = await this.directory.upsertApplication(
      Object.assign(new ApplicationEntity(), {
        id: data.applicationId,
        tenantId: data.tenantId,
        teamId: data.teamId,
        name: data.name,
        status: data.status,
        changedAt: new Date(data.updatedAt),
      }),
      manager,
    );
    if (stored?.status === 'deleted') await this.cancellation.execute(manager, stored.id, new Date(data.updatedAt));
  }

  private async applicationGone(applicationId: string, manager: EntityManager): Promise<void> {
    const now = this.clock.now();
    const stored = await this.directory.markApplicationDeleted(applicationId, now, manager);
    if (stored) await this.cancellation.execute(manager, stored.id, now);
  }
}

function requireManager(manager: EntityManager | undefined): EntityManager {
  if (!manager) throw new Error('the directory consumer runs with a data source; a transaction is expected');
  return manager;
}

import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { BaseConfig } from '@gatehouse/config';
import { Topics } from '@gatehouse/contracts';
import { ConsumerSupervisor, topicName } from '@gatehouse/messaging';
import type { Logger } from '@gatehouse/observability';
import { CONFIG, KAFKA, LOGGER, ReadinessRegistry } from '@gatehouse/platform';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { METERING_SETTINGS, type MeteringSettings } from '../metering.config';
import type { CommittedOffset } from './ingest-pipeline';
import { IngestPipeline } from './ingest-pipeline';

/**
 * The usage topic's consumer group (scales with the topic's partitions). Fetched batches go to
 * the ingest pipeline; offsets are committed by it, manually, once their transaction committed.
 * A consumer kafkajs gives up on is replaced by a new one (ConsumerSupervisor); the ledger drops
 * what the replacement is handed again.
 */
@Injectable()
export class UsageIngestConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly supervisor: ConsumerSupervisor;
  private readonly topic: string;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(CONFIG) config: BaseConfig,
    @Inject(METERING_SETTINGS) private readonly settings: MeteringSettings,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly pipeline: IngestPipeline,
    readiness: ReadinessRegistry,
  ) {
    this.topic = topicName(config.KAFKA_TOPIC_PREFIX, Topics.usage);
    const perPartition = settings.fetchMaxBytesPerPartition;
    this.supervisor = new ConsumerSupervisor({
      kafka,
      name: 'usage consumer',
      groupId: settings.consumerGroup,
      logger: logger.child({ component: 'usage-ingest' }),
      config: {
        allowAutoTopicCreation: false,
        sessionTimeout: settings.sessionTimeoutMs,
        heartbeatInterval: heartbeatIntervalFor(settings.sessionTimeoutMs),
        maxBytesPerPartition: perPartition,
        maxBytes: perPartition * Math.max(1, settings.partitionsConcurrency),
        maxWaitTimeInMs: 250,
      },
      run: (consumer) => this.run(consumer),
    });
    readiness.add({
      name: 'usage-ingest',
      check: async () => {
        const problem = this.supervisor.problem() ?? this.pipeline.problem();
        if (problem) throw new Error(problem);
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Resolves once the consumer joined its group. */
  async start(): Promise<void> {
    this.pipeline.open((offsets) => this.commit(offsets));
    try {
      await this.supervisor.start();
    } catch (error) {
      await this.pipeline.close(0);
      throw error;
    }
    this.logger.info({ topic: this.topic, group: this.settings.consumerGroup }, 'usage ingest started');
  }

  /** Finishes (briefly) what the pipeline holds and commits it, then leaves the group. */
  async stop(): Promise<void> {
    await this.pipeline.close();
    await this.supervisor.stop();
  }

  private async run(consumer: Consumer): Promise<void> {
    consumer.on(consumer.events.GROUP_JOIN, () => this.pipeline.rebalanced());
    await consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.settings.partitionsConcurrency,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  /** Through whichever consumer runs now: after a restart, offsets of the old one's batches still count. */
  private async commit(offsets: CommittedOffset[]): Promise<void> {
    const consumer = this.supervisor.consumer();
    if (!consumer) throw new Error('the usage consumer is restarting');
    await consumer.commitOffsets(offsets);
  }

  private async handleBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0 || !isRunning() || isStale()) return;
    const accepted = await this.pipeline.accept({ topic: batch.topic, partition: batch.partition, messages: batch.messages, highWatermark: batch.highWatermark }, heartbeat);
    if (!accepted) return;
    resolveOffset(batch.lastOffset());
    await heartbeat();
  }
}

/** A tenth of the session timeout (at least 1 s): a member misses several heartbeats before it is evicted. */
function heartbeatIntervalFor(sessionTimeoutMs: number): number {
  return Math.max(1_000, Math.floor(sessionTimeoutMs / 10));
}

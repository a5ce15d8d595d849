import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { BaseConfig } from '@gatehouse/config';
import { Topics } from '@gatehouse/contracts';
import { topicName } from '@gatehouse/messaging';
import type { Logger } from '@gatehouse/observability';
import { CONFIG, KAFKA, LOGGER, ReadinessRegistry } from '@gatehouse/platform';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { METERING_SETTINGS, type MeteringSettings } from '../metering.config';
import { IngestPipeline } from './ingest-pipeline';

/**
 * The usage topic's consumer group (scales with the topic's partitions). Fetched batches go to
 * the ingest pipeline; offsets are committed by it, manually, once their transaction committed.
 */
@Injectable()
export class UsageIngestConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer: Consumer | undefined;
  private crashed: Error | undefined;
  private readonly topic: string;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(CONFIG) config: BaseConfig,
    @Inject(METERING_SETTINGS) private readonly settings: MeteringSettings,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly pipeline: IngestPipeline,
    readiness: ReadinessRegistry,
  ) {
    this.topic = topicName(config.KAFKA_TOPIC_PREFIX, Topics.usage);
    readiness.add({
      name: 'usage-ingest',
      check: async () => {
        if (!this.consumer) throw new Error('usage consumer is not running');
        if (this.crashed) throw new Error(`usage consumer crashed: ${this.crashed.message}`);
        const problem = this.pipeline.problem();
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

  async start(): Promise<void> {
    if (this.consumer) return;
    const perPartition = this.settings.fetchMaxBytesPerPartition;
    const consumer = this.kafka.consumer({
      groupId: this.settings.consumerGroup,
      allowAutoTopicCreation: false,
      sessionTimeout: this.settings.sessionTimeoutMs,
      heartbeatInterval: Math.max(1_000, Math.floor(this.settings.sessionTimeoutMs / 10)),
      maxBytesPerPartition: perPartition,
      maxBytes: perPartition * Math.max(1, this.settings.partitionsConcurrency),
      maxWaitTimeInMs: 250,
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.logger.error({ err: payload.error, restart: payload.restart }, 'usage consumer crashed');
      if (!payload.restart) this.crashed = payload.error;
    });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.crashed = undefined;
    });
    this.consumer = consumer;
    this.pipeline.open((offsets) => consumer.commitOffsets(offsets));
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [this.topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.settings.partitionsConcurrency,
        eachBatch: (payload) => this.handleBatch(payload),
      });
    } catch (error) {
      this.consumer = undefined;
      await this.pipeline.close(0);
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    this.logger.info({ topic: this.topic, group: this.settings.consumerGroup }, 'usage ingest started');
  }

  /** Finishes (briefly) what the pipeline holds and commits it, then leaves the group. */
  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await this.pipeline.close();
    await consumer?.disconnect();
  }

  private async handleBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0 || !isRunning() || isStale()) return;
    const accepted = await this.pipeline.accept({ topic: batch.topic, partition: batch.partition, messages: batch.messages, highWatermark: batch.highWatermark }, heartbeat);
    if (!accepted) return;
    resolveOffset(batch.lastOffset());
    await heartbeat();
  }
}

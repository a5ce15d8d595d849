import { randomUUID } from 'node:crypto';
import type { Envelope, EventDefinition } from '@gatehouse/contracts';
import { createLogger, type Logger } from '@gatehouse/observability';
import type { Batch, Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { Registry } from 'prom-client';
import { DeadLetterWriter, type MessageOrigin } from '../consumer/dead-letter-writer';
import { MessageDecoder } from '../consumer/message-decoder';
import { withRetry } from '../kafka';
import { type MessagingMetrics, messagingMetrics } from '../metrics';
import type { EventProducer } from '../producer/event-producer';

export interface StateRecord {
  definition: EventDefinition;
  key: string;
  /** null: a tombstone, the entity is gone. */
  envelope: Envelope | null;
}

export interface StateTopicReaderOptions {
  kafka: Kafka;
  prefix: string;
  definitions: EventDefinition[];
  /** Base of the consumer group; a unique suffix is added per instance so every replica reads every partition. */
  groupId: string;
  onRecord(record: StateRecord): void | Promise<void>;
  /** Writes invalid records to the topic's dead-letter topic; without it they are logged as errors. */
  producer?: EventProducer;
  logger?: Logger;
  registry?: Registry;
  /** Longest a fetch waits on an idle topic (bounds how long stop() waits). Default 500. */
  maxWaitTimeMs?: number;
}

/**
 * Reads compacted state topics from the beginning, never committing, and keeps following
 * them. It is caught up once it has read every partition up to the high-water mark seen
 * at start. A record that fails validation (or that onRecord rejects) goes to the topic's
 * dead-letter topic, and reading goes on.
 */
export class StateTopicReader {
  private readonly decoder: MessageDecoder;
  private readonly logger: Logger;
  private readonly metrics: MessagingMetrics | undefined;
  private readonly deadLetters: DeadLetterWriter;
  private readonly targets = new Map<string, number>();
  private consumer: Consumer | undefined;
  private caught = false;
  private resolveCaughtUp: () => void = () => {};
  private readonly caughtUpPromise = new Promise<void>((resolve) => {
    this.resolveCaughtUp = resolve;
  });

  constructor(private readonly options: StateTopicReaderOptions) {
    this.decoder = new MessageDecoder(options.prefix, options.definitions);
    this.logger = (options.logger ?? createLogger({ service: 'messaging', level: 'warn' })).child({ component: 'state-reader', group: options.groupId });
    this.metrics = messagingMetrics(options.registry);
    this.deadLetters = new DeadLetterWriter(options.producer, options.groupId, this.logger, this.metrics);
  }

  /** Records the high-water marks to catch up to, then starts reading from the beginning. */
  async start(): Promise<void> {
    if (this.consumer) return;
    const { kafka } = this.options;
    const admin = kafka.admin();
    await admin.connect();
    try {
      for (const topic of this.decoder.topicNames()) {
        for (const end of await withRetry(() => admin.fetchTopicOffsets(topic))) {
          if (Number(end.high) > Number(end.low)) this.targets.set(`${topic}:${end.partition}`, Number(end.high));
        }
      }
    } finally {
      await admin.disconnect();
    }
    this.checkCaughtUp();
    const consumer = kafka.consumer({
      groupId: `${this.options.groupId}.${randomUUID()}`,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: this.options.maxWaitTimeMs ?? 500,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => this.logger.error({ err: payload.error, restart: payload.restart }, 'state reader crashed'));
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: this.decoder.topicNames(), fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        partitionsConsumedConcurrently: 4,
        eachBatch: async ({ batch, heartbeat, isRunning, isStale }) => {
          for (const message of batch.messages) {
            if (!isRunning() || isStale()) return;
            await this.apply(batch, message);
            this.advance(batch, Number(message.offset) + 1);
            await heartbeat();
          }
        },
      });
    } catch (error) {
      this.consumer = undefined;
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  /** Resolves once every partition was read up to the high-water mark seen at start. */
  caughtUp(): Promise<void> {
    return this.caughtUpPromise;
  }

  isCaughtUp(): boolean {
    return this.caught;
  }

  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect();
  }

  private async apply(batch: Batch, message: KafkaMessage): Promise<void> {
    const origin: MessageOrigin = { topic: batch.topic, partition: batch.partition, offset: message.offset };
    const count = (outcome: string) => this.metrics?.consumed.inc({ topic: origin.topic, group: this.options.groupId, outcome });
    try {
      const decoded = this.decoder.decode(batch.topic, message.key, message.value);
      if (decoded.kind === 'ignored') return void count('ignored');
      if (decoded.kind === 'tombstone') {
        await this.options.onRecord({ definition: decoded.definition, key: decoded.key, envelope: null });
        return void count('tombstone');
      }
      await this.options.onRecord({ definition: decoded.definition, key: message.key?.toString() ?? decoded.definition.key(decoded.envelope.data), envelope: decoded.envelope });
      count('processed');
    } catch (error) {
      this.metrics?.failed.inc({ topic: origin.topic, group: this.options.groupId, kind: 'permanent' });
      await this.writeDeadLetter(message, origin, error);
      count('dead-lettered');
    }
  }

  private async writeDeadLetter(message: KafkaMessage, origin: MessageOrigin, error: unknown): Promise<void> {
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      try {
        return await this.deadLetters.write(message, origin, error, 1);
      } catch (sendError) {
        this.logger.error({ err: sendError, origin }, 'cannot write dead letter');
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
    this.logger.error({ origin }, 'dead letter lost after 5 attempts; the record was skipped');
  }

  private advance(batch: Batch, next: number): void {
    this.metrics?.consumerLag.set(
      { group: this.options.groupId, topic: batch.topic, partition: String(batch.partition) },
      Math.max(0, Number(batch.highWatermark) - next),
    );
    const key = `${batch.topic}:${batch.partition}`;
    const target = this.targets.get(key);
    if (target !== undefined && next >= target) {
      this.targets.delete(key);
      this.checkCaughtUp();
    }
  }

  private checkCaughtUp(): void {
    if (this.caught || this.targets.size > 0) return;
    this.caught = true;
    this.logger.info('state topics caught up');
    this.resolveCaughtUp();
  }
}

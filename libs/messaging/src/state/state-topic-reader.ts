import { randomUUID } from 'node:crypto';
import type { Envelope, EventDefinition } from '@gatehouse/contracts';
import { createLogger, type Logger } from '@gatehouse/observability';
import type { Batch, Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { Registry } from 'prom-client';
import { ConsumerSupervisor, type ConsumerStatus } from '../consumer/consumer-supervisor';
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
 * dead-letter topic, and reading goes on. A consumer that kafkajs gives up on is replaced by
 * a new one (ConsumerSupervisor) that continues from the last record applied: nothing is
 * skipped or applied twice.
 */
export class StateTopicReader {
  private readonly decoder: MessageDecoder;
  private readonly logger: Logger;
  private readonly metrics: MessagingMetrics | undefined;
  private readonly deadLetters: DeadLetterWriter;
  private readonly targets = new Map<string, number>();
  /** Next offset to read per `topic:partition`, kept across consumer restarts. */
  private readonly positions = new Map<string, number>();
  private readonly supervisor: ConsumerSupervisor;
  private started = false;
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
    this.supervisor = new ConsumerSupervisor({
      kafka: options.kafka,
      name: `state reader ${options.groupId}`,
      // Nothing is committed, so each consumer takes a fresh group and joins at once.
      groupId: () => `${options.groupId}.${randomUUID()}`,
      logger: this.logger,
      config: { allowAutoTopicCreation: false, maxWaitTimeInMs: options.maxWaitTimeMs ?? 500 },
      run: (consumer) => this.run(consumer),
      onJoin: (consumer) => this.resume(consumer),
    });
  }

  /** Records the high-water marks to catch up to, then starts reading from the beginning. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.positions.clear();
    const { kafka } = this.options;
    try {
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
      await this.supervisor.start();
    } catch (error) {
      this.started = false;
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

  /** True while the reader is connected and following; false while a crashed consumer is being replaced. */
  isConnected(): boolean {
    return this.supervisor.isConnected();
  }

  status(): ConsumerStatus {
    return this.supervisor.status();
  }

  async stop(): Promise<void> {
    this.started = false;
    await this.supervisor.stop();
  }

  private async run(consumer: Consumer): Promise<void> {
    await consumer.subscribe({ topics: this.decoder.topicNames(), fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: 4,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale }) => {
        const read = this.positions.get(`${batch.topic}:${batch.partition}`) ?? 0;
        for (const message of batch.messages) {
          if (!isRunning() || isStale()) return;
          // A replacement consumer may be handed records this reader already applied.
          if (Number(message.offset) < read) continue;
          await this.apply(batch, message);
          this.advance(batch, Number(message.offset) + 1);
          await heartbeat();
        }
      },
    });
  }

  /** After a restart, continues where the last consumer stopped instead of replaying every record. */
  private resume(consumer: Consumer): void {
    for (const [key, offset] of this.positions) {
      const at = key.lastIndexOf(':');
      consumer.seek({ topic: key.slice(0, at), partition: Number(key.slice(at + 1)), offset: String(offset) });
    }
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
    this.positions.set(`${batch.topic}:${batch.partition}`, next);
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

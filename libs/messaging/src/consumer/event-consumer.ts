import type { Envelope, EventDefinition } from '@gatehouse/contracts';
import { createLogger, type Logger, withCorrelationId } from '@gatehouse/observability';
import type { Admin, Batch, Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { DataSource, EntityManager } from 'typeorm';
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from '../backoff';
import { classifyError } from '../errors';
import { incomingCorrelationId } from '../headers';
import { type MessagingMetrics, messagingMetrics } from '../metrics';
import { schemaOf } from '../outbox/schema';
import type { EventProducer } from '../producer/event-producer';
import { ConsumerSupervisor, type ConsumerStatus } from './consumer-supervisor';
import { DeadLetterWriter, type MessageOrigin } from './dead-letter-writer';
import { type DecodedMessage, MessageDecoder } from './message-decoder';

export interface ConsumerContext {
  /** The transaction the handler's effect must be written in (idempotent consumers); undefined otherwise. */
  manager: EntityManager | undefined;
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  definition: EventDefinition;
  /** 1 on first delivery to the handler, more on retries. */
  attempt: number;
}

export interface EventConsumerOptions {
  kafka: Kafka;
  groupId: string;
  prefix: string;
  /** Who consumes, for logs (e.g. `/gatehouse/metering`). */
  source: string;
  /** Topics are derived from these. Other registered types of those topics are skipped; anything else is dead-lettered. */
  definitions: EventDefinition[];
  handle(envelope: Envelope, context: ConsumerContext): Promise<void>;
  /** Tombstones on a compacted topic; skipped when absent. */
  onTombstone?(key: string, context: ConsumerContext): Promise<void>;
  /** When given, the consumer is idempotent: processed id and effect commit in one transaction. */
  dataSource?: DataSource;
  /** Writes dead letters. */
  producer: EventProducer;
  registry?: Registry;
  logger?: Logger;
  /** Attempts for transient failures before the message is dead-lettered. Default 5. */
  maxAttempts?: number;
  backoff?: BackoffOptions;
  /** Where a new group starts. Default true: nothing published before the first start is missed. */
  fromBeginning?: boolean;
  partitionsConsumedConcurrently?: number;
  /** Default 10 s: after a crash (SIGKILL) a new member waits this long for the dead one's partitions. */
  sessionTimeoutMs?: number;
  /** Default 3 s. */
  heartbeatIntervalMs?: number;
  /** How often processed offsets are committed in the middle of a batch; they always are at its end. Default 1000. */
  commitIntervalMs?: number;
  /** Longest a fetch waits on an idle topic (bounds how long stop() waits). Default 500. */
  maxWaitTimeMs?: number;
}

/** How long the group coordinator waits for a silent member before handing its partitions to others. */
export const DEFAULT_SESSION_TIMEOUT_MS = 10_000;
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 3_000;

type Outcome = 'processed' | 'duplicate' | 'ignored' | 'tombstone' | 'dead-lettered';

interface Control {
  heartbeat(): Promise<void>;
  isRunning(): boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Consumes validated events: invalid messages are dead-lettered with the reason, failures
 * are retried with backoff per their kind (see classifyError), a message's offset is
 * committed only once it was handled or dead-lettered, and with a data source the handler's
 * effect and the processed event id commit in one transaction (a redelivery has no effect).
 * A consumer that kafkajs gives up on (CRASH) is replaced by a new one (ConsumerSupervisor);
 * what was handled but not committed is then delivered again and skipped by the ledger.
 */
export class EventConsumer {
  private readonly decoder: MessageDecoder;
  private readonly logger: Logger;
  private readonly metrics: MessagingMetrics | undefined;
  private readonly deadLetters: DeadLetterWriter;
  private readonly maxAttempts: number;
  private readonly backoff: BackoffOptions;
  private readonly positions = new Map<string, number>();
  private readonly ledger: string | undefined;
  private readonly supervisor: ConsumerSupervisor;
  private admin: Admin | undefined;
  private stopping = false;

  constructor(private readonly options: EventConsumerOptions) {
    this.decoder = new MessageDecoder(options.prefix, options.definitions);
    this.logger = (options.logger ?? createLogger({ service: 'messaging', level: 'warn' })).child({ component: 'consumer', group: options.groupId });
    this.metrics = messagingMetrics(options.registry);
    this.deadLetters = new DeadLetterWriter(options.producer, options.groupId, this.logger, this.metrics);
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.ledger = options.dataSource ? `"${schemaOf(options.dataSource)}"."processed_events"` : undefined;
    this.supervisor = new ConsumerSupervisor({
      kafka: options.kafka,
      name: `consumer ${options.groupId}`,
      groupId: options.groupId,
      logger: this.logger,
      config: {
        allowAutoTopicCreation: false,
        sessionTimeout: options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS,
        heartbeatInterval: options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
        maxWaitTimeInMs: options.maxWaitTimeMs ?? 500,
      },
      run: (consumer) => this.run(consumer),
    });
  }

  /**
   * Connects, subscribes and resolves once the consumer joined its group. From then on a
   * consumer kafkajs gives up on is replaced by a new one, with backoff, until stop().
   */
  async start(): Promise<void> {
    this.stopping = false;
    await this.supervisor.start();
  }

  /** Lets the handler in flight finish, commits processed offsets, leaves the group and disconnects. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.supervisor.stop();
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }

  /** True while the consumer is a member of its group: false before it joined, after a crash until its replacement joined, and after stop(). */
  isRunning(): boolean {
    return this.supervisor.isConnected();
  }

  /** State, restarts and, while not connected, why. */
  status(): ConsumerStatus {
    return this.supervisor.status();
  }

  /** Null while the consumer is a member of its group, else why not (for readiness checks). */
  problem(): string | null {
    return this.supervisor.problem();
  }

  /** Messages not yet processed: high-water mark minus the committed or processed offset, over all partitions. */
  async lag(): Promise<number> {
    const { kafka, groupId } = this.options;
    if (!this.admin) {
      this.admin = kafka.admin();
      await this.admin.connect();
    }
    let total = 0;
    for (const topic of this.decoder.topicNames()) {
      const [ends, committed] = await Promise.all([this.admin.fetchTopicOffsets(topic), this.admin.fetchOffsets({ groupId, topics: [topic] })]);
      const committedBy = new Map((committed[0]?.partitions ?? []).map((entry) => [entry.partition, Number(entry.offset)]));
      for (const end of ends) {
        const high = Number(end.high);
        let position = Math.max(committedBy.get(end.partition) ?? -1, this.positions.get(`${topic}:${end.partition}`) ?? -1);
        if (position < 0) position = this.options.fromBeginning === false ? high : Number(end.low);
        const lag = Math.max(0, high - position);
        this.metrics?.consumerLag.set({ group: groupId, topic, partition: String(end.partition) }, lag);
        total += lag;
      }
    }
    return total;
  }

  private async run(consumer: Consumer): Promise<void> {
    await consumer.subscribe({ topics: this.decoder.topicNames(), fromBeginning: this.options.fromBeginning ?? true });
    await consumer.run({
      autoCommit: true,
      autoCommitInterval: this.options.commitIntervalMs ?? 1_000,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
        const control = { heartbeat, isRunning: () => isRunning() && !isStale() && !this.stopping };
        for (const message of batch.messages) {
          if (!control.isRunning()) break;
          if (!(await this.process(batch, message, control))) break;
          resolveOffset(message.offset);
          this.track(batch, message);
          await commitOffsetsIfNecessary();
          await heartbeat();
        }
      },
    });
  }

  private track(batch: Batch, message: KafkaMessage): void {
    const next = Number(message.offset) + 1;
    this.positions.set(`${batch.topic}:${batch.partition}`, next);
    this.metrics?.consumerLag.set(
      { group: this.options.groupId, topic: batch.topic, partition: String(batch.partition) },
      Math.max(0, Number(batch.highWatermark) - next),
    );
  }

  /** True when the message is done with (handled, skipped or dead-lettered); false when stopping interrupted it. */
  private async process(batch: Batch, message: KafkaMessage, control: Control): Promise<boolean> {
    const origin: MessageOrigin = { topic: batch.topic, partition: batch.partition, offset: message.offset };
    let decoded: DecodedMessage;
    try {
      decoded = this.decoder.decode(batch.topic, message.key, message.value);
    } catch (error) {
      this.metrics?.failed.inc({ topic: origin.topic, group: this.options.groupId, kind: 'permanent' });
      return this.deadLetter(message, origin, error, 1, control);
    }
    if (decoded.kind === 'ignored') {
      this.count(origin, 'ignored');
      return true;
    }
    const correlationId = incomingCorrelationId(message.headers, decoded.kind === 'event' ? decoded.envelope : null);
    let failures = 0;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const outcome = await withCorrelationId(correlationId, () => this.apply(decoded, origin, message, attempt));
        this.count(origin, outcome);
        return true;
      } catch (error) {
        const kind = classifyError(error);
        this.metrics?.failed.inc({ topic: origin.topic, group: this.options.groupId, kind });
        if (kind !== 'unavailable') failures += 1;
        if (kind === 'permanent' || failures >= this.maxAttempts) return this.deadLetter(message, origin, error, attempt, control);
        const delay = backoffDelay(Math.min(attempt, 30), this.backoff);
        this.logger.warn({ err: error, origin, attempt, kind, retryInMs: delay }, 'handler failed; retrying');
        if (!(await this.pause(delay, control))) return false;
      }
    }
  }

  private async apply(decoded: Exclude<DecodedMessage, { kind: 'ignored' }>, origin: MessageOrigin, message: KafkaMessage, attempt: number): Promise<Outcome> {
    const context = (manager: EntityManager | undefined): ConsumerContext => ({
      manager,
      ...origin,
      key: message.key?.toString() ?? null,
      definition: decoded.definition,
      attempt,
    });
    if (decoded.kind === 'tombstone') {
      if (!this.options.onTombstone) return 'tombstone';
      const onTombstone = this.options.onTombstone.bind(this.options);
      if (!this.options.dataSource) await onTombstone(decoded.key, context(undefined));
      else await this.options.dataSource.transaction((manager) => onTombstone(decoded.key, context(manager)));
      return 'tombstone';
    }
    const { envelope } = decoded;
    if (!this.options.dataSource) {
      await this.options.handle(envelope, context(undefined));
      return 'processed';
    }
    return this.options.dataSource.transaction(async (manager) => {
      // The insert takes the row lock first, so a concurrent redelivery waits here and then sees the conflict.
      const inserted = (await manager.query(
        `insert into ${this.ledger} ("consumer_group", "event_id", "event_type", "topic", "partition", "offset") values ($1, $2, $3, $4, $5, $6) on conflict do nothing returning 1 as inserted`,
        [this.options.groupId, envelope.id, envelope.type, origin.topic, origin.partition, origin.offset],
      )) as unknown[];
      if (inserted.length === 0) return 'duplicate';
      await this.options.handle(envelope, context(manager));
      return 'processed';
    });
  }

  private async deadLetter(message: KafkaMessage, origin: MessageOrigin, error: unknown, attempts: number, control: Control): Promise<boolean> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.deadLetters.write(message, origin, error, attempts);
        this.count(origin, 'dead-lettered');
        return true;
      } catch (sendError) {
        this.logger.error({ err: sendError, origin }, 'cannot write dead letter; retrying');
        if (!(await this.pause(backoffDelay(Math.min(attempt, 30), this.backoff), control))) return false;
      }
    }
  }

  /** Waits while heartbeating; false as soon as the consumer is stopping or lost the partition. */
  private async pause(ms: number, control: Control): Promise<boolean> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (!control.isRunning()) return false;
      await sleep(Math.min(250, until - Date.now()));
      await control.heartbeat();
    }
    return control.isRunning();
  }

  private count(origin: MessageOrigin, outcome: Outcome): void {
    this.metrics?.consumed.inc({ topic: origin.topic, group: this.options.groupId, outcome });
  }
}

import { encodeEvent, type Envelope, type EventData, type EventDefinition } from '@gatehouse/contracts';
import { currentCorrelationId, type Logger } from '@gatehouse/observability';
import { type Kafka, type Message, Partitioners, type Producer, type TopicMessages } from 'kafkajs';
import type { Registry } from 'prom-client';
import { eventHeaders } from '../headers';
import { topicName } from '../kafka';
import { type MessagingMetrics, messagingMetrics } from '../metrics';

export interface EventProducerOptions {
  /** Topic prefix of this deployment (`KAFKA_TOPIC_PREFIX`). */
  prefix: string;
  /** CloudEvents `source` of what this producer publishes, e.g. `/gatehouse/identity`. */
  source: string;
  registry?: Registry;
  logger?: Logger;
}

export interface PublishOptions {
  /** Trace id of the envelope; defaults to the current correlation id. */
  traceId?: string;
  /** Overrides the key derived from the payload. */
  key?: string;
}

/**
 * Idempotent Kafka producer (acks from all in-sync replicas, one request in flight so a
 * retried batch cannot overtake the next). Payloads are validated against their contract
 * before they leave; the key partitioner is Kafka's default (murmur2), so a key always lands
 * on the same partition as with the Java client.
 */
export class EventProducer {
  private producer: Producer;
  private readonly metrics: MessagingMetrics | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  private connected = false;
  private replacing: Promise<void> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: EventProducerOptions,
  ) {
    this.producer = this.createProducer();
    this.metrics = messagingMetrics(options.registry);
  }

  private createProducer(): Producer {
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    producer.on(producer.events.DISCONNECT, () => {
      if (producer === this.producer) this.connected = false;
    });
    return producer;
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  /**
   * After a broker restart an idempotent producer can be left with sequence numbers the broker
   * no longer accepts, and every later send fails. A new producer gets a new producer id and
   * starts its sequences afresh; the failed batch is the caller's to retry (or journal).
   */
  private replaceProducer(): Promise<void> {
    this.replacing ??= (async () => {
      const stale = this.producer;
      this.producer = this.createProducer();
      this.connected = false;
      await stale.disconnect().catch(() => undefined);
      await this.producer.connect();
      this.connected = true;
    })().finally(() => {
      this.replacing = undefined;
    });
    return this.replacing;
  }

  /** Waits for the sends in flight, then disconnects. */
  async disconnect(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    await this.producer.disconnect();
    this.connected = false;
  }

  isConnected(): boolean {
    return this.connected;
  }

  get prefix(): string {
    return this.options.prefix;
  }

  /** Validates, wraps in an envelope and publishes one event; resolves once the broker acknowledged it. */
  async publish<D extends EventDefinition>(definition: D, data: EventData<D>, options: PublishOptions = {}): Promise<Envelope> {
    const encoded = encodeEvent(definition, data, { source: this.options.source, traceId: options.traceId ?? currentCorrelationId() });
    await this.sendRaw(topicName(this.options.prefix, definition.topic), [
      { key: options.key ?? encoded.key, value: encoded.value, headers: eventHeaders(encoded.envelope) },
    ]);
    return encoded.envelope;
  }

  /** Publishes many events of one type in a single request (e.g. a batch of usage records). */
  async publishMany<D extends EventDefinition>(definition: D, items: EventData<D>[]): Promise<void> {
    if (items.length === 0) return;
    const traceId = currentCorrelationId();
    const messages = items.map((data) => {
      const encoded = encodeEvent(definition, data, { source: this.options.source, traceId });
      return { key: encoded.key, value: encoded.value, headers: eventHeaders(encoded.envelope) };
    });
    await this.sendRaw(topicName(this.options.prefix, definition.topic), messages);
  }

  /** Publishes a tombstone (null value) for `key` on the definition's compacted topic. */
  async publishTombstone(definition: EventDefinition, key: string): Promise<void> {
    if (!definition.state) throw new Error(`${definition.type} is not on a compacted topic; tombstones are for state topics`);
    await this.sendRaw(topicName(this.options.prefix, definition.topic), [{ key, value: null, headers: eventHeaders(null) }]);
  }

  /** Sends prepared messages to a broker topic (prefix included). Used by the relay and for dead letters. */
  async sendRaw(topic: string, messages: Message[]): Promise<void> {
    await this.sendBatch([{ topic, messages }]);
  }

  /** Sends prepared messages to several broker topics in one request; order within each topic is kept. */
  async sendBatch(topicMessages: TopicMessages[]): Promise<void> {
    const batch = topicMessages.filter((entry) => entry.messages.length > 0);
    if (batch.length === 0) return;
    if (this.replacing) await this.replacing.catch(() => undefined);
    const sending = this.producer.sendBatch({ topicMessages: batch, acks: -1 });
    this.inFlight.add(sending);
    try {
      await sending;
      for (const entry of batch) this.metrics?.published.inc({ topic: entry.topic }, entry.messages.length);
    } catch (error) {
      for (const entry of batch) this.metrics?.publishFailures.inc({ topic: entry.topic });
      this.options.logger?.warn({ err: error, topics: batch.map((entry) => entry.topic) }, 'kafka send failed');
      if (producerStateLost(error)) {
        this.options.logger?.warn('idempotent producer state lost on the broker; replacing the producer');
        await this.replaceProducer().catch((replaceError: unknown) => this.options.logger?.warn({ err: replaceError }, 'producer replacement failed; will retry on the next send'));
      }
      throw error;
    } finally {
      this.inFlight.delete(sending);
    }
  }
}

const LOST_PRODUCER_STATE = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH', 'INVALID_PRODUCER_ID_MAPPING']);

/** Broker answers meaning this producer's id or sequence numbers are no longer valid there. */
export function producerStateLost(error: unknown): boolean {
  for (let current = error as { type?: string; cause?: unknown; originalError?: unknown } | undefined, depth = 0; current && depth < 5; depth += 1) {
    if (typeof current.type === 'string' && LOST_PRODUCER_STATE.has(current.type)) return true;
    current = (current.originalError ?? current.cause) as typeof current;
  }
  return false;
}

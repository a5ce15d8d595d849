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
  private readonly producer: Producer;
  private readonly metrics: MessagingMetrics | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  private connected = false;

  constructor(
    kafka: Kafka,
    private readonly options: EventProducerOptions,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.metrics = messagingMetrics(options.registry);
    this.producer.on(this.producer.events.DISCONNECT, () => {
      this.connected = false;
    });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
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
    const sending = this.producer.sendBatch({ topicMessages: batch, acks: -1 });
    this.inFlight.add(sending);
    try {
      await sending;
      for (const entry of batch) this.metrics?.published.inc({ topic: entry.topic }, entry.messages.length);
    } catch (error) {
      for (const entry of batch) this.metrics?.publishFailures.inc({ topic: entry.topic });
      this.options.logger?.warn({ err: error, topics: batch.map((entry) => entry.topic) }, 'kafka send failed');
      throw error;
    } finally {
      this.inFlight.delete(sending);
    }
  }
}

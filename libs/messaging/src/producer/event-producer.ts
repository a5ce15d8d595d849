import { ContractViolationError, type EncodedEvent, encodeEvent, type Envelope, type EventData, type EventDefinition, type TopicSpec } from '@gatehouse/contracts';
import { currentCorrelationId, type Logger } from '@gatehouse/observability';
import { type Kafka, type Message, Partitioners, type Producer, type TopicMessages } from 'kafkajs';
import type { Registry } from 'prom-client';
import { backoffDelay } from '../backoff';
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

/**
 * Most bytes of event values one produce request carries. Kafka refuses a record batch over
 * the broker's `message.max.bytes` (1 MiB by default) and the messages of one request that land
 * on the same partition travel in one record batch.
 */
export const MAX_REQUEST_BYTES = 900 * 1024;

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
 *
 * Two rules keep an acknowledged send in the log. kafkajs rolls an idempotent producer's
 * sequence numbers back whenever a produce request fails, even when the broker may have
 * appended the batch (the connection closed or the request timed out before the answer); a
 * different batch that then takes those numbers is acknowledged by the broker as a duplicate
 * and never written. So sends to one topic go one after another (a retried batch is the only
 * one that can reuse its numbers), and after any failed send the underlying producer is
 * replaced: a new producer id starts fresh sequences, and the failed batch is the caller's to
 * retry (or journal).
 */
export class EventProducer {
  private producer: Producer;
  private readonly metrics: MessagingMetrics | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Per topic, the last send queued: the next send to that topic starts once it has settled. */
  private readonly tails = new Map<string, Promise<unknown>>();
  private connected = false;
  private connecting: Promise<void> | undefined;
  private reconnecting = false;
  private closed = false;

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
    this.closed = false;
    await this.ready();
  }

  /** The current producer, connected first if it is not. */
  private async ready(): Promise<Producer> {
    for (;;) {
      const producer = this.producer;
      if (this.connected) return producer;
      if (this.closed) throw new Error('the event producer is disconnected');
      this.connecting ??= producer
        .connect()
        .then(
          () => {
            if (producer === this.producer) this.connected = true;
          },
          (error: unknown) => {
            // A producer whose connect failed half-way is not reused.
            this.replace(producer);
            throw error;
          },
        )
        .finally(() => {
          this.connecting = undefined;
        });
      await this.connecting;
    }
  }

  /** Puts a new producer (new producer id, sequences from zero) in place of `stale`. */
  private replace(stale: Producer): void {
    if (stale !== this.producer || this.closed) return;
    this.producer = this.createProducer();
    this.connected = false;
    void stale.disconnect().catch(() => undefined);
  }

  /** Connects the current producer in the background, with growing pauses, until it works or `disconnect()`. */
  private keepConnecting(): void {
    if (this.reconnecting || this.closed) return;
    this.reconnecting = true;
    void (async () => {
      for (let attempt = 1; !this.connected && !this.closed; attempt += 1) {
        try {
          await this.ready();
        } catch {
          await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt)).unref());
        }
      }
    })().finally(() => {
      this.reconnecting = false;
    });
  }

  /** Waits for the sends in flight, then disconnects. */
  async disconnect(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.inFlight, this.connecting]);
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

  /** Publishes many events of one type, in one request unless they exceed `MAX_REQUEST_BYTES`. */
  async publishMany<D extends EventDefinition>(definition: D, items: EventData<D>[]): Promise<void> {
    const traceId = currentCorrelationId();
    await this.publishEncoded(
      definition.topic,
      items.map((data) => encodeEvent(definition, data, { source: this.options.source, traceId })),
    );
  }

  /**
   * Publishes events encoded with `encodeEvent`, in order, in as few requests as
   * `MAX_REQUEST_BYTES` allows; resolves once every request was acknowledged. An event larger
   * than that on its own is refused before anything is sent (the caller splits it).
   */
  async publishEncoded(topic: TopicSpec, events: readonly EncodedEvent[]): Promise<void> {
    const requests: Message[][] = [];
    let bytes = Infinity;
    for (const event of events) {
      const size = Buffer.byteLength(event.value);
      if (size > MAX_REQUEST_BYTES) throw new ContractViolationError(`${event.envelope.type} event ${event.envelope.id} is ${size} bytes; at most ${MAX_REQUEST_BYTES} go in one request`);
      if (bytes + size > MAX_REQUEST_BYTES) {
        requests.push([]);
        bytes = 0;
      }
      requests.at(-1)!.push({ key: event.key, value: event.value, headers: eventHeaders(event.envelope) });
      bytes += size;
    }
    for (const messages of requests) await this.sendRaw(topicName(this.options.prefix, topic), messages);
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
    const sending = this.afterPrevious([...new Set(batch.map((entry) => entry.topic))], () => this.produce(batch));
    this.inFlight.add(sending);
    try {
      await sending;
    } finally {
      this.inFlight.delete(sending);
    }
  }

  /** Runs `send` once every send queued earlier for any of `topics` has settled. */
  private afterPrevious(topics: string[], send: () => Promise<void>): Promise<void> {
    const running = Promise.allSettled(topics.map((topic) => this.tails.get(topic))).then(send);
    const settled = running.catch(() => undefined);
    for (const topic of topics) this.tails.set(topic, settled);
    void settled.then(() => {
      for (const topic of topics) if (this.tails.get(topic) === settled) this.tails.delete(topic);
    });
    return running;
  }

  private async produce(batch: TopicMessages[]): Promise<void> {
    let producer: Producer | undefined;
    try {
      producer = await this.ready();
      await producer.sendBatch({ topicMessages: batch, acks: -1 });
      for (const entry of batch) this.metrics?.published.inc({ topic: entry.topic }, entry.messages.length);
    } catch (error) {
      for (const entry of batch) this.metrics?.publishFailures.inc({ topic: entry.topic });
      this.options.logger?.warn({ err: error, topics: batch.map((entry) => entry.topic) }, 'kafka send failed; replacing the idempotent producer');
      if (producer) this.replace(producer);
      this.keepConnecting();
      throw error;
    }
  }
}

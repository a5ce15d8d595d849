import { randomBytes } from 'node:crypto';
import type { Envelope, EventDefinition, TopicSpec } from '@gatehouse/contracts';
import type { Consumer, IHeaders, Kafka } from 'kafkajs';
import { eventually } from './eventually';

/** One message a TopicCollector received. */
export interface CollectedMessage {
  /** The topic on the broker, prefix included. */
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  /** null for a tombstone. */
  value: string | null;
  headers: Record<string, string>;
  /** The value parsed as an event envelope; null for a tombstone or a value that is not JSON. */
  envelope: Envelope<Record<string, any>> | null;
  /** `performance.now()` when this process received it. */
  receivedAt: number;
}

export interface TopicCollectorOptions {
  /** Topic prefix: the collector's topics, and the topics its queries take, are names without it. Default ''. */
  prefix?: string;
  /** Longest a fetch waits on an idle topic. Default 50. */
  maxWaitTimeMs?: number;
}

type TopicRef = string | TopicSpec;

const flatten = (headers: IHeaders | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name, (Array.isArray(value) ? value[0] : value)?.toString() ?? '']));

function parse(value: string | null): CollectedMessage['envelope'] {
  if (value === null) return null;
  try {
    return JSON.parse(value) as CollectedMessage['envelope'];
  } catch {
    return null;
  }
}

/** Reads topics from the beginning under a throwaway consumer group and keeps every message, for assertions on what a service published. */
export class TopicCollector {
  readonly messages: CollectedMessage[] = [];
  private readonly prefix: string;
  private consumer: Consumer | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: TopicRef[],
    private readonly options: TopicCollectorOptions = {},
  ) {
    this.prefix = options.prefix ?? '';
  }

  /** Resolves once the consumer has joined its group, so nothing published afterwards is missed. */
  async start(): Promise<void> {
    const consumer = this.kafka.consumer({ groupId: `collector-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: this.options.maxWaitTimeMs ?? 50 });
    this.consumer = consumer;
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    await consumer.subscribe({ topics: this.topics.map((topic) => this.topicName(topic)), fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        const value = message.value?.toString() ?? null;
        this.messages.push({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
          value,
          headers: flatten(message.headers),
          envelope: parse(value),
          receivedAt: performance.now(),
        });
      },
    });
    await joined;
  }

  /** Messages of one topic, in arrival order. */
  on(topic: TopicRef): CollectedMessage[] {
    const name = this.topicName(topic);
    return this.messages.filter((message) => message.topic === name);
  }

  /** Envelopes of one event type, in arrival order. */
  ofType(type: string | EventDefinition): Array<Envelope<Record<string, any>>> {
    const wanted = typeof type === 'string' ? type : type.type;
    return this.messages.flatMap((message) => (message.envelope?.type === wanted ? [message.envelope] : []));
  }

  /** Keys of the tombstones on one topic. */
  tombstones(topic: TopicRef): string[] {
    return this.on(topic).flatMap((message) => (message.value === null && message.key !== null ? [message.key] : []));
  }

  /** Polls until `predicate` holds for the messages so far; resolves with them. */
  async waitFor(predicate: (messages: CollectedMessage[]) => boolean, what = 'messages', timeoutMs = 15_000): Promise<CollectedMessage[]> {
    await eventually(() => predicate(this.messages), `${what} on ${this.topics.map((topic) => this.topicName(topic)).join(', ')}`, timeoutMs);
    return this.messages;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }

  private topicName(topic: TopicRef): string {
    return `${this.prefix}${typeof topic === 'string' ? topic : topic.name}`;
  }
}

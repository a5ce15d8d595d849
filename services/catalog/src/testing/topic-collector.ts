import { type Envelope, Topics } from '@gatehouse/contracts';
import type { Consumer, Kafka } from 'kafkajs';

export interface CollectedMessage {
  /** Logical topic name, without the prefix. */
  topic: string;
  key: string;
  /** null for a tombstone. */
  envelope: Envelope<Record<string, unknown>> | null;
}

const catalogTopics = [Topics.catalogEvents, Topics.apiState, Topics.routeState, Topics.planState, Topics.subscriptionState, Topics.aiState];

/** Reads every catalog topic from the beginning with a consumer group of its own. */
export class TopicCollector {
  readonly messages: CollectedMessage[] = [];
  private consumer: Consumer | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly prefix: string,
    private readonly groupId: string,
  ) {}

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({ groupId: this.groupId, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
    this.consumer = consumer;
    let joined!: () => void;
    const ready = new Promise<void>((resolve) => (joined = resolve));
    consumer.on(consumer.events.GROUP_JOIN, () => joined());
    await consumer.connect();
    await consumer.subscribe({ topics: catalogTopics.map((topic) => `${this.prefix}${topic.name}`), fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        this.messages.push({
          topic: topic.slice(this.prefix.length),
          key: message.key?.toString() ?? '',
          envelope: message.value ? (JSON.parse(message.value.toString()) as Envelope<Record<string, unknown>>) : null,
        });
      },
    });
    await ready;
  }

  /** Messages of one event type (or tombstones on one topic when `type` is a topic name and `tombstones` is set). */
  ofType(type: string): Array<Envelope<Record<string, unknown>>> {
    return this.messages.flatMap((message) => (message.envelope?.type === type ? [message.envelope] : []));
  }

  tombstones(topic: string): string[] {
    return this.messages.filter((message) => message.topic === topic && message.envelope === null).map((message) => message.key);
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

import { randomBytes } from 'node:crypto';
import type { Consumer, IHeaders, Kafka } from 'kafkajs';

export interface CollectedRecord {
  topic: string;
  key: string;
  value: string | null;
  headers: Record<string, string>;
  offset: string;
  /** performance.now() when the record reached this process. */
  receivedAt: number;
}

const text = (headers: IHeaders | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name, String(Array.isArray(value) ? value[0] : value)]));

/** Reads topics from the beginning under a throwaway group and keeps every record. */
export class TopicCollector {
  readonly records: CollectedRecord[] = [];
  private consumer: Consumer | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: string[],
  ) {}

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({ groupId: `metering-test-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 20 });
    this.consumer = consumer;
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    await consumer.subscribe({ topics: this.topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, message }) => {
        this.records.push({
          topic,
          key: message.key?.toString() ?? '',
          value: message.value?.toString() ?? null,
          headers: text(message.headers),
          offset: message.offset,
          receivedAt: performance.now(),
        });
      },
    });
    await joined;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

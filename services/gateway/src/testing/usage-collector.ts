import { type EventData, Topics, type UsageRecordedV1 } from '@gatehouse/contracts';
import type { Consumer, Kafka } from 'kafkajs';

type UsageRecord = EventData<typeof UsageRecordedV1>;

/** Reads the usage topic from the beginning and keeps every record, with how often each record id was seen. */
export class UsageCollector {
  readonly records = new Map<string, UsageRecord>();
  readonly counts = new Map<string, number>();
  private consumer: Consumer | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly prefix: string,
  ) {}

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({ groupId: `usage-collector-${Math.random().toString(16).slice(2)}`, maxWaitTimeInMs: 200 });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic: `${this.prefix}${Topics.usage.name}`, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const envelope = JSON.parse(message.value!.toString()) as { data: UsageRecord };
        const id = envelope.data.recordId;
        this.records.set(id, envelope.data);
        this.counts.set(id, (this.counts.get(id) ?? 0) + 1);
      },
    });
  }

  has(ids: Iterable<string>): boolean {
    for (const id of ids) if (!this.records.has(id)) return false;
    return true;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

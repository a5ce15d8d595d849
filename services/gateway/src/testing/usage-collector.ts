import { type EventData, Topics, UsageBatchRecordedV1, type UsageRecordedV1 } from '@gatehouse/contracts';
import type { Consumer, Kafka } from 'kafkajs';

type UsageRecord = EventData<typeof UsageRecordedV1>;

/** Reads the usage topic from the beginning and keeps every record, single or in a batch event, with how often each record id was seen. */
export class UsageCollector {
  readonly records = new Map<string, UsageRecord>();
  readonly counts = new Map<string, number>();
  /** Per partition, the offset after the last message read. */
  private readonly positions = new Map<number, bigint>();
  private consumer: Consumer | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly prefix: string,
  ) {}

  private get topic(): string {
    return `${this.prefix}${Topics.usage.name}`;
  }

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({ groupId: `usage-collector-${Math.random().toString(16).slice(2)}`, maxWaitTimeInMs: 200 });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const envelope = JSON.parse(message.value!.toString()) as { type: string; data: UsageRecord | EventData<typeof UsageBatchRecordedV1> };
        const records = envelope.type === UsageBatchRecordedV1.type ? (envelope.data as EventData<typeof UsageBatchRecordedV1>).records : [envelope.data as UsageRecord];
        for (const record of records) {
          this.records.set(record.recordId, record);
          this.counts.set(record.recordId, (this.counts.get(record.recordId) ?? 0) + 1);
        }
        this.positions.set(partition, BigInt(message.offset) + 1n);
      },
    });
  }

  has(ids: Iterable<string>): boolean {
    for (const id of ids) if (!this.records.has(id)) return false;
    return true;
  }

  /** True once every partition has been read up to its current end. */
  async reachedEnd(): Promise<boolean> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(this.topic);
      return offsets.every(({ partition, high, low }) => high === low || (this.positions.get(partition) ?? 0n) >= BigInt(high));
    } finally {
      await admin.disconnect();
    }
  }

  /** Record ids seen more than once, with their count. */
  repeated(): Array<[string, number]> {
    return [...this.counts].filter(([, count]) => count > 1);
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

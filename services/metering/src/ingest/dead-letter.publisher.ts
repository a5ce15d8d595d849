import { Inject, Injectable } from '@nestjs/common';
import { deadLetterOf, newEnvelope, UsageRecordedV1 } from '@gatehouse/contracts';
import { deadLetterMessage, EventProducer } from '@gatehouse/messaging';
import { LOGGER } from '@gatehouse/platform';
import type { Logger } from '@gatehouse/observability';
import type { KafkaMessage } from 'kafkajs';
import { METERING_SETTINGS, type MeteringSettings } from '../metering.config';
import type { BatchOrigin } from './usage-record.decoder';
import type { RecordSource } from './usage-record';

export interface DeadLetter {
  topic: string;
  partition: number;
  message: KafkaMessage;
  /**
   * Set when one record of a batch event is refused: the letter holds that record alone, as a
   * `UsageRecordedV1` event (the batch's other records were counted).
   */
  record?: { data: unknown; recordId: string | null; batch: BatchOrigin };
  reason: string;
  code: string;
}

/** The dead letter of one record: its whole message, or the record alone when the message is a batch. */
export function recordLetter(topic: string, partition: number, source: RecordSource, record: unknown, recordId: string | null, refusal: { reason: string; code: string }): DeadLetter {
  return { topic, partition, message: source.message, reason: refusal.reason, code: refusal.code, ...(source.batch ? { record: { data: record, recordId, batch: source.batch } } : {}) };
}

/** What a dead letter holds: the message byte for byte, or the refused record of a batch as a single-record event. */
function originalOf({ message, record }: DeadLetter): { key: Buffer | string | null; value: Buffer | string | null; headers: KafkaMessage['headers'] } {
  if (!record) return { key: message.key, value: message.value, headers: message.headers };
  const { batch, recordId } = record;
  const envelope = newEnvelope(UsageRecordedV1.type, record.data, { source: batch.source, tenant: batch.tenant, subject: recordId ?? undefined, traceId: batch.traceid });
  return { key: recordId ?? message.key, value: JSON.stringify(envelope), headers: message.headers };
}

/**
 * Writes refused usage messages to `<topic>.dlq` with the reason in headers: byte for byte, or,
 * for a record refused out of a batch event, that record alone.
 */
@Injectable()
export class DeadLetterPublisher {
  constructor(
    private readonly producer: EventProducer,
    @Inject(METERING_SETTINGS) private readonly settings: MeteringSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Resolves once Kafka acknowledged every dead letter; throws otherwise (the batch is then retried). */
  async publish(letters: readonly DeadLetter[], failedAt: Date): Promise<void> {
    if (letters.length === 0) return;
    const byTopic = new Map<string, DeadLetter[]>();
    for (const letter of letters) byTopic.set(letter.topic, [...(byTopic.get(letter.topic) ?? []), letter]);
    await this.producer.sendBatch(
      [...byTopic].map(([topic, group]) => ({
        topic: deadLetterOf(topic),
        messages: group.map((letter) => {
          const { partition, message, reason, code } = letter;
          return deadLetterMessage({
            original: originalOf(letter),
            origin: { topic, partition, offset: message.offset },
            consumerGroup: this.settings.consumerGroup,
            reason,
            errorCode: code,
            attempts: 1,
            failedAt,
          });
        }),
      })),
    );
    const first = letters[0]!;
    this.logger.warn({ count: letters.length, first: { topic: first.topic, partition: first.partition, offset: first.message.offset, code: first.code, reason: first.reason } }, 'usage messages dead-lettered');
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { deadLetterOf } from '@gatehouse/contracts';
import { deadLetterMessage, EventProducer } from '@gatehouse/messaging';
import { LOGGER } from '@gatehouse/platform';
import type { Logger } from '@gatehouse/observability';
import type { KafkaMessage } from 'kafkajs';
import { METERING_SETTINGS, type MeteringSettings } from '../metering.config';

export interface DeadLetter {
  topic: string;
  partition: number;
  message: KafkaMessage;
  reason: string;
  code: string;
}

/** Writes refused usage messages, byte for byte with the reason in headers, to `<topic>.dlq`. */
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
        messages: group.map(({ partition, message, reason, code }) =>
          deadLetterMessage({
            original: { key: message.key, value: message.value, headers: message.headers },
            origin: { topic, partition, offset: message.offset },
            consumerGroup: this.settings.consumerGroup,
            reason,
            errorCode: code,
            attempts: 1,
            failedAt,
          }),
        ),
      })),
    );
    const first = letters[0]!;
    this.logger.warn({ count: letters.length, first: { topic: first.topic, partition: first.partition, offset: first.message.offset, code: first.code, reason: first.reason } }, 'usage messages dead-lettered');
  }
}

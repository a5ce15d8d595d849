import { deadLetterOf } from '@gatehouse/contracts';
import type { Logger } from '@gatehouse/observability';
import type { KafkaMessage } from 'kafkajs';
import { deadLetterMessage } from '../dead-letter';
import { errorCode, errorMessage } from '../errors';
import type { MessagingMetrics } from '../metrics';
import type { EventProducer } from '../producer/event-producer';

export interface MessageOrigin {
  topic: string;
  partition: number;
  offset: string;
}

/** Writes a failed message to its topic's dead-letter topic (`<topic>.dlq`). */
export class DeadLetterWriter {
  constructor(
    private readonly producer: EventProducer | undefined,
    private readonly group: string,
    private readonly logger: Logger,
    private readonly metrics: MessagingMetrics | undefined,
  ) {}

  /** Throws when Kafka does not take the dead letter; the caller decides whether to retry. */
  async write(message: KafkaMessage, origin: MessageOrigin, error: unknown, attempts: number): Promise<void> {
    const reason = errorMessage(error);
    const code = errorCode(error);
    if (!this.producer) {
      this.logger.error({ origin, code, reason }, 'invalid message skipped: no producer for dead letters');
      return;
    }
    await this.producer.sendRaw(deadLetterOf(origin.topic), [
      deadLetterMessage({
        original: { key: message.key, value: message.value, headers: message.headers },
        origin,
        consumerGroup: this.group,
        reason,
        errorCode: code,
        attempts,
        failedAt: new Date(),
      }),
    ]);
    this.metrics?.deadLettered.inc({ topic: origin.topic, group: this.group });
    this.logger.warn({ origin, code, reason, attempts }, 'message dead-lettered');
  }
}

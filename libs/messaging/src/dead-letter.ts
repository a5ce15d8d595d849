import type { IHeaders, Message } from 'kafkajs';

/** Headers a dead letter carries on top of the original message's own headers. */
export const DeadLetterHeaders = {
  reason: 'x-dlq-reason',
  errorCode: 'x-dlq-error-code',
  originTopic: 'x-dlq-origin-topic',
  originPartition: 'x-dlq-origin-partition',
  originOffset: 'x-dlq-origin-offset',
  consumerGroup: 'x-dlq-consumer-group',
  failedAt: 'x-dlq-failed-at',
  attempts: 'x-dlq-attempts',
} as const;

const MAX_REASON_LENGTH = 2_000;

export interface DeadLetterInput {
  /** The message as it was read: key, value and headers are kept byte for byte. */
  original: { key: Buffer | string | null; value: Buffer | string | null; headers?: IHeaders };
  origin: { topic: string; partition: number; offset: string };
  consumerGroup: string;
  reason: string;
  errorCode: string;
  attempts: number;
  failedAt: Date;
}

/** Builds the message written to a topic's dead-letter topic. */
export function deadLetterMessage(input: DeadLetterInput): Message {
  const reason = input.reason.length > MAX_REASON_LENGTH ? `${input.reason.slice(0, MAX_REASON_LENGTH - 1)}…` : input.reason;
  return {
    key: input.original.key,
    value: input.original.value,
    headers: {
      ...input.original.headers,
      [DeadLetterHeaders.reason]: reason,
      [DeadLetterHeaders.errorCode]: input.errorCode,
      [DeadLetterHeaders.originTopic]: input.origin.topic,
      [DeadLetterHeaders.originPartition]: String(input.origin.partition),
      [DeadLetterHeaders.originOffset]: input.origin.offset,
      [DeadLetterHeaders.consumerGroup]: input.consumerGroup,
      [DeadLetterHeaders.failedAt]: input.failedAt.toISOString(),
      [DeadLetterHeaders.attempts]: String(input.attempts),
    },
  };
}

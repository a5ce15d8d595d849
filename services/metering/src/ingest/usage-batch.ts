import type { KafkaMessage } from 'kafkajs';
import type { DeadLetter } from './dead-letter.publisher';
import type { CountedRecord, RecordSource } from './usage-record';

/** The messages of one fetched partition batch. */
export interface UsageBatch {
  topic: string;
  partition: number;
  messages: readonly KafkaMessage[];
}

/** A batch decoded and classified, ready to be written. */
export interface PreparedBatch {
  topic: string;
  partition: number;
  /** Records the batch's messages held (a message that could not be decoded counts as one). */
  received: number;
  /** Offset to commit once the batch is written: the last offset + 1. */
  nextOffset: string;
  /** With the message each came from (for a dead letter when Postgres refuses it). */
  counted: Array<CountedRecord & { item: RecordSource }>;
  letters: DeadLetter[];
  /** Copies of a record earlier in the same batch. */
  duplicates: number;
  /** CPU time spent preparing, seconds. */
  preparedIn: number;
}

export interface IngestOutcome {
  received: number;
  /** Newly counted. */
  counted: number;
  duplicates: number;
  late: number;
  deadLettered: number;
}

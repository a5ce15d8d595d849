import type { EventData, UsageRecordedV1 } from '@gatehouse/contracts';
import type { KafkaMessage } from 'kafkajs';
import type { BatchOrigin } from './usage-record.decoder';

export type UsageRecord = EventData<typeof UsageRecordedV1>;

/** The message a record came in and, when that message is a batch event, the batch's envelope attributes. */
export interface RecordSource {
  message: KafkaMessage;
  batch: BatchOrigin | null;
}

/** A validated record with where it came from and how it is counted. */
export interface CountedRecord {
  record: UsageRecord;
  /** Epoch ms of `record.at`. */
  atMs: number;
  /** UTC day of `record.at`: the ledger partition, part of the dedupe key. */
  atDay: string;
  /** The instant whose windows the record is counted in: `at`, or, when late, its arrival (the ingest statement uses the transaction's instant). */
  effectiveMs: number;
  /** Arrived later than the maximum lateness: counted in the window it arrived in. */
  late: boolean;
}

/** Dedupe key: duplicates carry the same record id and the same `at`, so the same day. */
export const ledgerKey = (atDay: string, recordId: string): string => `${atDay}|${recordId}`;

import { DAY_MS, floorTo, utcDay } from '../time/period';
import { type CountedRecord, ledgerKey, type UsageRecord } from './usage-record';

export interface ClassifierPolicy {
  maxLatenessMs: number;
  ledgerRetentionDays: number;
}

/** How far ahead of the clock a record may be stamped (gateway clock skew); partitions exist that far. */
export const MAX_FUTURE_MS = DAY_MS;

export interface Refusal<T> {
  item: T;
  record: UsageRecord;
  reason: string;
  code: string;
}

export interface Classification<T> {
  /** Unique within the batch, in arrival order. */
  counted: Array<CountedRecord & { item: T }>;
  /** Copies of a record already in this batch. */
  duplicatesInBatch: number;
  /** Records the ledger cannot dedupe: they go to the dead-letter topic, never dropped silently. */
  refused: Array<Refusal<T>>;
}

/**
 * Decides, at `nowMs`, how each valid record of a batch is counted: its ledger partition (the
 * UTC day of `at`), its window (`at`, or the arrival instant when later than the maximum
 * lateness), and whether it is a copy of an earlier record of the same batch.
 */
export function classifyRecords<T>(items: ReadonlyArray<{ item: T; record: UsageRecord }>, nowMs: number, policy: ClassifierPolicy): Classification<T> {
  const oldestMs = floorTo(nowMs, 'day') - (policy.ledgerRetentionDays - 1) * DAY_MS;
  const newestMs = nowMs + MAX_FUTURE_MS;
  const seen = new Set<string>();
  const result: Classification<T> = { counted: [], duplicatesInBatch: 0, refused: [] };
  for (const { item, record } of items) {
    const atMs = Date.parse(record.at);
    if (atMs < oldestMs) {
      result.refused.push({ item, record, code: 'ERR_BEYOND_RETENTION', reason: `record ${record.recordId} at ${record.at} is older than the ledger retention (${policy.ledgerRetentionDays} days): it can no longer be deduplicated` });
      continue;
    }
    if (atMs > newestMs) {
      result.refused.push({ item, record, code: 'ERR_FUTURE_RECORD', reason: `record ${record.recordId} at ${record.at} is more than ${MAX_FUTURE_MS / 3_600_000} h ahead of the metering clock` });
      continue;
    }
    const atDay = utcDay(atMs);
    const key = ledgerKey(atDay, record.recordId.toLowerCase());
    if (seen.has(key)) {
      result.duplicatesInBatch += 1;
      continue;
    }
    seen.add(key);
    const late = nowMs - atMs > policy.maxLatenessMs;
    result.counted.push({ item, record, atMs, atDay, effectiveMs: late ? nowMs : atMs, late });
  }
  return result;
}

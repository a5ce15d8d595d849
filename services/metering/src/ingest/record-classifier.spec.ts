import { describe, expect, it } from 'vitest';
import { usageRecord as anyRecord } from '../testing/usage-record.factory';
import { classifyRecords, MAX_FUTURE_MS } from './record-classifier';

const now = Date.parse('2026-03-14T15:00:00Z');
const policy = { maxLatenessMs: 3_600_000, ledgerRetentionDays: 10 };
const usageRecord = (overrides: Parameters<typeof anyRecord>[0] = {}) => anyRecord({ at: '2026-03-14T14:00:00Z', ...overrides });
const classify = (records: ReturnType<typeof usageRecord>[]) => classifyRecords(records.map((record, index) => ({ item: index, record })), now, policy);

describe('record classification', () => {
  it('keeps the first copy of a record id within a batch and counts the others as duplicates', () => {
    const record = usageRecord({ at: '2026-03-14T14:59:00Z' });
    const result = classify([record, { ...record }, usageRecord(), { ...record, recordId: record.recordId.toUpperCase() }]);
    expect(result.counted.map((entry) => entry.item)).toEqual([0, 2]);
    expect(result.duplicatesInBatch).toBe(2);
  });

  it('places a record in the ledger partition of the UTC day of its timestamp', () => {
    const result = classify([usageRecord({ at: '2026-03-13T23:59:59.999-01:00' })]);
    expect(result.counted[0]!.atDay).toBe('2026-03-14');
  });

  it('counts a record within the maximum lateness in its own window', () => {
    const at = now - 3_600_000;
    const [entry] = classify([usageRecord({ at: new Date(at).toISOString() })]).counted;
    expect(entry).toMatchObject({ late: false, effectiveMs: at });
  });

  it('counts a later record at its arrival and flags it late', () => {
    const [entry] = classify([usageRecord({ at: new Date(now - 3_600_001).toISOString() })]).counted;
    expect(entry).toMatchObject({ late: true, effectiveMs: now });
  });

  it('refuses records the ledger can no longer deduplicate, and records too far in the future', () => {
    const oldest = Date.parse('2026-03-05T00:00:00Z');
    const result = classify([
      usageRecord({ at: new Date(oldest).toISOString() }),
      usageRecord({ at: new Date(oldest - 1).toISOString() }),
      usageRecord({ at: new Date(now + MAX_FUTURE_MS + 1).toISOString() }),
    ]);
    expect(result.counted.map((entry) => entry.item)).toEqual([0]);
    expect(result.refused.map((refusal) => [refusal.item, refusal.code])).toEqual([
      [1, 'ERR_BEYOND_RETENTION'],
      [2, 'ERR_FUTURE_RECORD'],
    ]);
    expect(result.refused[0]!.reason).toContain('older than the ledger retention');
  });
});

import { randomUUID } from 'node:crypto';
import { ContractViolationError, decodeEvent, type EventData, USAGE_BATCH_MAX_RECORDS, UsageBatchRecordedV1 } from '@gatehouse/contracts';
import { describe, expect, it } from 'vitest';
import { encodeUsageBatches } from './usage-batches';
import type { UsageRecord } from './usage-record';

function record(tenantId: string, overrides: Partial<UsageRecord> = {}): UsageRecord {
  return {
    recordId: randomUUID(),
    at: new Date().toISOString(),
    gatewayId: 'gw-1',
    tenantId,
    applicationId: 'app-1',
    apiId: 'api-1',
    routeId: 'route-1',
    planId: null,
    subscriptionId: 'sub-1',
    method: 'GET',
    status: 200,
    rejection: null,
    latencyMs: 1.5,
    upstreamLatencyMs: 1.1,
    bytesIn: 0,
    bytesOut: 120,
    ai: null,
    ...overrides,
  };
}

const decoded = (value: string) => decodeEvent(value, [UsageBatchRecordedV1]).envelope as { tenant: string; data: EventData<typeof UsageBatchRecordedV1> };

describe('usage records travel in batch events', () => {
  it('puts each tenant in its own events, keeping the order of its records', () => {
    const records = [record('t-a'), record('t-b'), record('t-a'), record('t-c'), record('t-b')];
    const events = encodeUsageBatches(records, { source: '/gatehouse/gateway', maxBytes: 900 * 1024 });
    expect(events.map((event) => decoded(event.value).tenant)).toEqual(['t-a', 't-b', 't-c']);
    for (const event of events) {
      const { tenant, data } = decoded(event.value);
      expect(event.key).toBe(data.batchId);
      expect(data.records.map((item) => item.recordId)).toEqual(records.filter((item) => item.tenantId === tenant).map((item) => item.recordId));
    }
  });

  it('caps the records per event, by count and by size, losing none', () => {
    const many = Array.from({ length: USAGE_BATCH_MAX_RECORDS * 2 + 3 }, () => record('t-a'));
    const byCount = encodeUsageBatches(many, { source: '/gatehouse/gateway', maxBytes: 10 * 1024 * 1024 });
    expect(byCount.map((event) => decoded(event.value).data.records.length)).toEqual([USAGE_BATCH_MAX_RECORDS, USAGE_BATCH_MAX_RECORDS, 3]);

    // Records as large as the contract lets them be: a model name of control characters escapes to six bytes each.
    const large = Array.from({ length: 40 }, () => record('t-a', { ai: { provider: 'p', model: '\u0001'.repeat(200), promptTokens: 1, completionTokens: 1, cachedTokens: 0, costMicros: null, currency: null } }));
    const bySize = encodeUsageBatches(large, { source: '/gatehouse/gateway', maxBytes: 16 * 1024 });
    expect(bySize.length).toBeGreaterThan(2);
    for (const event of bySize) expect(Buffer.byteLength(event.value)).toBeLessThanOrEqual(16 * 1024);
    expect(bySize.flatMap((event) => decoded(event.value).data.records.map((item) => item.recordId))).toEqual(large.map((item) => item.recordId));
  });

  it('refuses a record that breaks the contract, naming it', () => {
    const bad = record('t-a', { status: 42 });
    expect(() => encodeUsageBatches([record('t-a'), bad], { source: '/gatehouse/gateway', maxBytes: 900 * 1024 })).toThrow(ContractViolationError);
    expect(() => encodeUsageBatches([bad], { source: '/gatehouse/gateway', maxBytes: 900 * 1024 })).toThrow(/records\.0\.status/);
  });
});

import { randomUUID } from 'node:crypto';
import { type EncodedEvent, encodeEvent, type EventData, USAGE_BATCH_MAX_RECORDS, UsageBatchRecordedV1 } from '@gatehouse/contracts';
import type { UsageRecord } from './usage-record';

type UsageBatchEvent = EventData<typeof UsageBatchRecordedV1>;

export interface UsageBatchEncoding {
  /** CloudEvents `source` of the events. */
  readonly source: string;
  /** Largest encoded event; a batch over it is split in two until it fits. */
  readonly maxBytes: number;
  /** Most records per event. Default `USAGE_BATCH_MAX_RECORDS`. */
  readonly maxRecords?: number;
}

/**
 * The events a batch of usage records travels in: one tenant per event (the envelope's tenant
 * is the records'), at most `maxRecords` records and `maxBytes` bytes each, records in their
 * order within a tenant. Each event is validated against the contract; a record that breaks it
 * fails the whole call with a ContractViolationError (the shipper then drops only that record).
 */
export function encodeUsageBatches(records: readonly UsageRecord[], encoding: UsageBatchEncoding): EncodedEvent<UsageBatchEvent>[] {
  const maxRecords = encoding.maxRecords ?? USAGE_BATCH_MAX_RECORDS;
  const byTenant = new Map<string, UsageRecord[]>();
  for (const record of records) {
    const group = byTenant.get(record.tenantId);
    if (group) group.push(record);
    else byTenant.set(record.tenantId, [record]);
  }
  const encoded: EncodedEvent<UsageBatchEvent>[] = [];
  for (const [tenantId, group] of byTenant) {
    for (let start = 0; start < group.length; start += maxRecords) encodeWithin(tenantId, group.slice(start, start + maxRecords), encoding, encoded);
  }
  return encoded;
}

function encodeWithin(tenantId: string, records: UsageRecord[], encoding: UsageBatchEncoding, into: EncodedEvent<UsageBatchEvent>[]): void {
  const event = encodeEvent(UsageBatchRecordedV1, { batchId: randomUUID(), tenantId, records }, { source: encoding.source });
  if (records.length === 1 || Buffer.byteLength(event.value) <= encoding.maxBytes) {
    into.push(event);
    return;
  }
  const half = Math.ceil(records.length / 2);
  encodeWithin(tenantId, records.slice(0, half), encoding, into);
  encodeWithin(tenantId, records.slice(half), encoding, into);
}

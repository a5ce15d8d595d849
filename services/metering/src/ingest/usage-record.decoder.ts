import { ContractViolationError, decodeEvent, type Envelope, envelopeSchema, UsageBatchRecordedV1, UsageRecordedV1, usageBatchShellSchema, usageRecordSchema } from '@gatehouse/contracts';
import type { UsageRecord } from './usage-record';

/** A record of a batch event that cannot be counted, with why. */
export interface RefusedRecord {
  /** As it was in the batch (possibly not a valid record). */
  record: unknown;
  recordId: string | null;
  reason: string;
  code: string;
}

/**
 * What one message of the usage topic holds: a single record (`UsageRecordedV1`) or a batch
 * (`UsageBatchRecordedV1`). A batch with some records that cannot be counted keeps the others;
 * the refused ones come back on their own, to be dead-lettered one by one.
 */
export type DecodeResult = { ok: true; batch: BatchOrigin | null; records: UsageRecord[]; refused: RefusedRecord[] } | { ok: false; reason: string; code: string };

/** The envelope attributes of a batch event, kept to write a refused record of it back on its own. */
export type BatchOrigin = Pick<Envelope, 'source' | 'tenant' | 'traceid'>;

const originOf = ({ source, tenant, traceid }: Envelope): BatchOrigin => ({ source, tenant, traceid });

const expected = [UsageBatchRecordedV1, UsageRecordedV1];
const NUL_ESCAPE = '\\u0000';
const UNSTORABLE = { reason: 'a text field contains a NUL character, which Postgres cannot store', code: 'ERR_UNSTORABLE' };

const hasNul = (record: UsageRecord): boolean => Object.values({ ...record, ...record.ai }).some((field) => typeof field === 'string' && field.includes('\0'));

/**
 * Parses and validates one message of the usage topic: JSON, CloudEvents envelope, event type,
 * and the schema of that type. Never throws: a bad message comes back with the reason.
 */
export function decodeUsageMessage(value: Buffer | null): DecodeResult {
  try {
    const { envelope, definition } = decodeEvent(value, expected);
    const mayHoldNul = value!.includes(NUL_ESCAPE);
    if (definition === UsageRecordedV1) {
      const record = envelope.data as UsageRecord;
      if (mayHoldNul && hasNul(record)) return { ok: false, ...UNSTORABLE };
      return { ok: true, batch: null, records: [record], refused: [] };
    }
    const { records } = envelope.data as { records: UsageRecord[] };
    const batch = originOf(envelope);
    if (!mayHoldNul) return { ok: true, batch, records, refused: [] };
    return { ok: true, batch, records: records.filter((record) => !hasNul(record)), refused: records.filter(hasNul).map((record) => ({ record, recordId: record.recordId, ...UNSTORABLE })) };
  } catch (error) {
    const salvaged = salvageBatch(value);
    if (salvaged) return salvaged;
    if (error instanceof ContractViolationError) return { ok: false, reason: error.message, code: error.code };
    return { ok: false, reason: (error as Error).message ?? 'undecodable message', code: 'ERR_CONTRACT_VIOLATION' };
  }
}

/**
 * A batch event refused as a whole because some of its records break the contract: the valid
 * records are still counted, each invalid one is refused with its own reason. Null unless the
 * message is such a batch with a valid envelope, batch id, tenant and record count.
 */
function salvageBatch(value: Buffer | null): DecodeResult | null {
  let json: unknown;
  try {
    json = JSON.parse(value!.toString('utf8'));
  } catch {
    return null;
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success || envelope.data.type !== UsageBatchRecordedV1.type) return null;
  const shell = usageBatchShellSchema.safeParse(envelope.data.data);
  if (!shell.success) return null;
  const result = { ok: true as const, batch: originOf(envelope.data), records: [] as UsageRecord[], refused: [] as RefusedRecord[] };
  for (const [index, raw] of shell.data.records.entries()) {
    const recordId = typeof (raw as { recordId?: unknown } | null)?.recordId === 'string' ? (raw as { recordId: string }).recordId : null;
    const parsed = usageRecordSchema.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => `${['records', index, ...issue.path].join('.')}: ${issue.message}`);
      result.refused.push({ record: raw, recordId, reason: `${UsageBatchRecordedV1.type} record is invalid: ${issues.join('; ')}`, code: 'ERR_CONTRACT_VIOLATION' });
    } else if (parsed.data.tenantId !== shell.data.tenantId) {
      result.refused.push({ record: raw, recordId, reason: `record ${parsed.data.recordId} belongs to tenant ${parsed.data.tenantId}, not to the batch's tenant ${shell.data.tenantId}`, code: 'ERR_CONTRACT_VIOLATION' });
    } else if (hasNul(parsed.data)) {
      result.refused.push({ record: raw, recordId, ...UNSTORABLE });
    } else result.records.push(parsed.data);
  }
  return result;
}

import { ContractViolationError, decodeEvent, UsageRecordedV1 } from '@gatehouse/contracts';
import type { UsageRecord } from './usage-record';

export type DecodeResult = { ok: true; record: UsageRecord } | { ok: false; reason: string; code: string };

const expected = [UsageRecordedV1];
const NUL_ESCAPE = '\\u0000';

/**
 * Parses and validates one message of the usage topic: JSON, CloudEvents envelope, event type,
 * and the UsageRecordedV1 schema. Never throws: a bad message comes back with the reason.
 */
export function decodeUsageMessage(value: Buffer | null): DecodeResult {
  try {
    const { envelope } = decodeEvent(value, expected);
    const record = envelope.data as UsageRecord;
    if (value!.includes(NUL_ESCAPE) && Object.values({ ...record, ...record.ai }).some((field) => typeof field === 'string' && field.includes('\0'))) {
      return { ok: false, reason: 'a text field contains a NUL character, which Postgres cannot store', code: 'ERR_UNSTORABLE' };
    }
    return { ok: true, record };
  } catch (error) {
    if (error instanceof ContractViolationError) return { ok: false, reason: error.message, code: error.code };
    return { ok: false, reason: (error as Error).message ?? 'undecodable message', code: 'ERR_CONTRACT_VIOLATION' };
  }
}

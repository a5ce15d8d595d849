import { randomUUID } from 'node:crypto';
import { newEnvelope, USAGE_BATCH_MAX_RECORDS, UsageBatchRecordedV1, UsageRecordedV1, usageRecordLimits } from '@gatehouse/contracts';
import { describe, expect, it } from 'vitest';
import { aiUsage, usageRecord } from '../testing/usage-record.factory';
import { decodeUsageMessage } from './usage-record.decoder';

const message = (data: unknown, type = UsageRecordedV1.type) => Buffer.from(JSON.stringify(newEnvelope(type, data, { source: '/gatehouse/gateway', tenant: 'acme' })));
const batch = (records: unknown[], overrides: object = {}) => message({ batchId: randomUUID(), tenantId: 'acme', records, ...overrides }, UsageBatchRecordedV1.type);

describe('usage message decoding', () => {
  it('returns the record of a valid message', () => {
    const record = usageRecord();
    expect(decodeUsageMessage(message(record))).toEqual({ ok: true, batch: null, records: [record], refused: [] });
  });

  it('returns every record of a batch event, with the batch envelope to write a refused one back', () => {
    const records = [usageRecord(), usageRecord(), usageRecord()];
    expect(decodeUsageMessage(batch(records))).toEqual({ ok: true, batch: { source: '/gatehouse/gateway', tenant: 'acme', traceid: expect.any(String) }, records, refused: [] });
  });

  it('counts the valid records of a batch and refuses each invalid one on its own', () => {
    const good = [usageRecord(), usageRecord()];
    const badStatus = { ...usageRecord(), status: 99 };
    const otherTenant = usageRecord({ tenantId: 'globex' });
    const withNul = usageRecord({ gatewayId: 'gw\u0000' });
    const decoded = decodeUsageMessage(batch([good[0], badStatus, otherTenant, withNul, good[1]]));
    expect(decoded).toMatchObject({ ok: true, records: good });
    expect(decoded.ok && decoded.refused.map(({ recordId, code, reason }) => [recordId, code, reason])).toEqual([
      [badStatus.recordId, 'ERR_CONTRACT_VIOLATION', expect.stringContaining('records.1.status: Too small')],
      [otherTenant.recordId, 'ERR_CONTRACT_VIOLATION', expect.stringContaining("belongs to tenant globex, not to the batch's tenant acme")],
      [withNul.recordId, 'ERR_UNSTORABLE', expect.stringContaining('NUL')],
    ]);
    expect(decodeUsageMessage(batch([...good, { recordId: 7 }]))).toMatchObject({ ok: true, records: good, refused: [{ recordId: null, code: 'ERR_CONTRACT_VIOLATION' }] });
  });

  it('refuses a whole batch whose own fields are wrong', () => {
    const records = [usageRecord()];
    expect(decodeUsageMessage(batch(records, { batchId: 'not-a-uuid' }))).toMatchObject({ ok: false, code: 'ERR_CONTRACT_VIOLATION', reason: expect.stringContaining('batchId') });
    expect(decodeUsageMessage(batch([]))).toMatchObject({ ok: false, reason: expect.stringContaining('records') });
    const tooMany = Array.from({ length: USAGE_BATCH_MAX_RECORDS + 1 }, () => usageRecord());
    expect(decodeUsageMessage(batch(tooMany))).toMatchObject({ ok: false, reason: expect.stringContaining('records') });
    // An invalid record does not make a batch with a bad id acceptable.
    expect(decodeUsageMessage(batch([{ ...usageRecord(), status: 99 }], { batchId: 'not-a-uuid' }))).toMatchObject({ ok: false });
  });

  it('names what is wrong with an invalid one', () => {
    expect(decodeUsageMessage(null)).toMatchObject({ ok: false, code: 'ERR_CONTRACT_VIOLATION', reason: 'message has no value' });
    expect(decodeUsageMessage(Buffer.from('{'))).toMatchObject({ ok: false, reason: expect.stringContaining('message is not JSON') });
    expect(decodeUsageMessage(message({ ...usageRecord(), status: 99 }))).toMatchObject({ ok: false, reason: expect.stringContaining('status') });
    expect(decodeUsageMessage(message(usageRecord(), 'gatehouse.gateway.other.v1'))).toMatchObject({ ok: false, reason: 'unexpected event type gatehouse.gateway.other.v1' });
  });

  it('refuses a text field with a NUL character, and keeps an escaped backslash-u sequence', () => {
    expect(decodeUsageMessage(message(usageRecord({ gatewayId: 'gw\u0000' })))).toMatchObject({ ok: false, code: 'ERR_UNSTORABLE' });
    expect(decodeUsageMessage(message(usageRecord({ gatewayId: 'gw\\u0000' })))).toMatchObject({ ok: true });
  });

  it('refuses measures beyond the bounds the rollup sums can hold, and accepts them at the bound', () => {
    const beyond: Array<[string, Parameters<typeof usageRecord>[0]]> = [
      ['latencyMs', { latencyMs: usageRecordLimits.latencyMs + 1 }],
      ['upstreamLatencyMs', { upstreamLatencyMs: 1e300 }],
      ['bytesIn', { bytesIn: usageRecordLimits.bytes + 1 }],
      ['bytesOut', { bytesOut: Number.MAX_SAFE_INTEGER }],
      ['ai.promptTokens', { ai: aiUsage({ promptTokens: usageRecordLimits.tokens + 1 }) }],
      ['ai.completionTokens', { ai: aiUsage({ completionTokens: 2 ** 50 }) }],
      ['ai.cachedTokens', { ai: aiUsage({ cachedTokens: 2 ** 41 }) }],
      ['ai.costMicros', { ai: aiUsage({ costMicros: usageRecordLimits.costMicros + 1 }) }],
    ];
    for (const [field, overrides] of beyond) {
      expect(decodeUsageMessage(message(usageRecord(overrides))), field).toMatchObject({ ok: false, code: 'ERR_CONTRACT_VIOLATION', reason: expect.stringContaining(`${field}: Too big`) });
    }
    const atBounds = usageRecord({
      latencyMs: usageRecordLimits.latencyMs,
      upstreamLatencyMs: usageRecordLimits.latencyMs,
      bytesIn: usageRecordLimits.bytes,
      bytesOut: usageRecordLimits.bytes,
      ai: aiUsage({ promptTokens: usageRecordLimits.tokens, completionTokens: usageRecordLimits.tokens, cachedTokens: usageRecordLimits.tokens, costMicros: usageRecordLimits.costMicros }),
    });
    expect(decodeUsageMessage(message(atBounds))).toMatchObject({ ok: true, records: [atBounds] });
  });
});

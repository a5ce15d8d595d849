import { newEnvelope, UsageRecordedV1, usageRecordLimits } from '@gatehouse/contracts';
import { describe, expect, it } from 'vitest';
import { aiUsage, usageRecord } from '../testing/usage-record.factory';
import { decodeUsageMessage } from './usage-record.decoder';

const message = (data: unknown, type = UsageRecordedV1.type) => Buffer.from(JSON.stringify(newEnvelope(type, data, { source: '/gatehouse/gateway', tenant: 'acme' })));

describe('usage message decoding', () => {
  it('returns the record of a valid message', () => {
    const record = usageRecord();
    expect(decodeUsageMessage(message(record))).toEqual({ ok: true, record });
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
    expect(decodeUsageMessage(message(atBounds))).toEqual({ ok: true, record: atBounds });
  });
});

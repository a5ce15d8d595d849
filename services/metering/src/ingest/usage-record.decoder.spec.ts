import { newEnvelope, UsageRecordedV1 } from '@gatehouse/contracts';
import { describe, expect, it } from 'vitest';
import { usageRecord } from '../testing/usage-record.factory';
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
});

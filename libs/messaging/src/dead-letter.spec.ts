import { describe, expect, it } from 'vitest';
import { DeadLetterHeaders, deadLetterMessage } from './dead-letter';

describe('deadLetterMessage', () => {
  const base = {
    original: { key: Buffer.from('app-1'), value: Buffer.from('{not json'), headers: { 'x-request-id': 'req-1', other: Buffer.from('kept') } },
    origin: { topic: 'p.gatehouse.identity.events', partition: 2, offset: '41' },
    consumerGroup: 'gatehouse-gateway',
    reason: 'message is not JSON',
    errorCode: 'ERR_CONTRACT_VIOLATION',
    attempts: 1,
    failedAt: new Date('2025-01-02T03:04:05.000Z'),
  };

  it('keeps the original key, value and headers and adds the failure and its origin', () => {
    const message = deadLetterMessage(base);
    expect(message.key).toEqual(Buffer.from('app-1'));
    expect(message.value).toEqual(Buffer.from('{not json'));
    expect(message.headers).toEqual({
      'x-request-id': 'req-1',
      other: Buffer.from('kept'),
      [DeadLetterHeaders.reason]: 'message is not JSON',
      [DeadLetterHeaders.errorCode]: 'ERR_CONTRACT_VIOLATION',
      [DeadLetterHeaders.originTopic]: 'p.gatehouse.identity.events',
      [DeadLetterHeaders.originPartition]: '2',
      [DeadLetterHeaders.originOffset]: '41',
      [DeadLetterHeaders.consumerGroup]: 'gatehouse-gateway',
      [DeadLetterHeaders.failedAt]: '2025-01-02T03:04:05.000Z',
      [DeadLetterHeaders.attempts]: '1',
    });
  });

  it('names the headers as the operations runbook expects', () => {
    expect(Object.values(DeadLetterHeaders)).toEqual([
      'x-dlq-reason',
      'x-dlq-error-code',
      'x-dlq-origin-topic',
      'x-dlq-origin-partition',
      'x-dlq-origin-offset',
      'x-dlq-consumer-group',
      'x-dlq-failed-at',
      'x-dlq-attempts',
    ]);
  });

  it('replaces the failure headers of a message that was dead-lettered before', () => {
    const message = deadLetterMessage({ ...base, original: { ...base.original, headers: { [DeadLetterHeaders.reason]: 'old' } } });
    expect(message.headers?.[DeadLetterHeaders.reason]).toBe('message is not JSON');
  });

  it('bounds the reason so one bad payload cannot produce a huge header', () => {
    const message = deadLetterMessage({ ...base, reason: 'x'.repeat(10_000) });
    expect((message.headers?.[DeadLetterHeaders.reason] as string).length).toBe(2_000);
  });

  it('keeps a tombstone a tombstone', () => {
    const message = deadLetterMessage({ ...base, original: { key: 'k', value: null } });
    expect(message.value).toBeNull();
    expect(message.key).toBe('k');
  });
});

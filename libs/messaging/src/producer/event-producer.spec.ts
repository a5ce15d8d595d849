import { KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { producerStateLost } from './event-producer';

const protocolError = (type: string) => Object.assign(new KafkaJSProtocolError('broker said no'), { type });

describe('producerStateLost', () => {
  it('recognises broker answers that invalidate the idempotent producer, also wrapped in retries', () => {
    expect(producerStateLost(protocolError('OUT_OF_ORDER_SEQUENCE_NUMBER'))).toBe(true);
    expect(producerStateLost(protocolError('UNKNOWN_PRODUCER_ID'))).toBe(true);
    expect(producerStateLost(new KafkaJSNumberOfRetriesExceeded(protocolError('INVALID_PRODUCER_EPOCH'), { retryCount: 5, retryTime: 100 }))).toBe(true);
  });

  it('leaves ordinary failures alone', () => {
    expect(producerStateLost(protocolError('NOT_LEADER_FOR_PARTITION'))).toBe(false);
    expect(producerStateLost(new Error('connection refused'))).toBe(false);
    expect(producerStateLost(undefined)).toBe(false);
  });
});

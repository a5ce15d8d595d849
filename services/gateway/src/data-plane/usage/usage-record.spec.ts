import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { UsageRecordedV1, usageRecordLimits } from '@gatehouse/contracts';
import { describe, expect, it } from 'vitest';
import { aiUsageOf } from '../server/ai-route';
import { Exchange } from '../server/exchange';
import { usageRecordOf } from './usage-record';

const DAY_MS = 86_400_000;

describe('usage records stay within the contract, so every request is metered', () => {
  it('keeps the limit for a tunnel open for days that moved more than a TiB', () => {
    const exchange = new Exchange({ method: 'GET' } as IncomingMessage, null, randomUUID(), randomUUID(), Date.now(), 0);
    exchange.status = 101;
    exchange.bytesIn = 3 * 2 ** 40;
    exchange.bytesOut = 2 ** 41 + 0.5;
    exchange.upstreamMs = 3 * DAY_MS;
    const record = usageRecordOf(exchange, 'gw-1', 3 * DAY_MS + 0.1234);
    expect(record).toMatchObject({ latencyMs: usageRecordLimits.latencyMs, upstreamLatencyMs: usageRecordLimits.latencyMs, bytesIn: usageRecordLimits.bytes, bytesOut: usageRecordLimits.bytes });
    expect(UsageRecordedV1.schema.safeParse(record).success).toBe(true);
  });

  it('keeps latency to the microsecond below the limit', () => {
    const exchange = new Exchange({ method: 'POST' } as IncomingMessage, null, randomUUID(), randomUUID(), Date.now(), 0);
    exchange.status = 200;
    exchange.upstreamMs = 1.23456;
    expect(usageRecordOf(exchange, 'gw-1', 2.34567)).toMatchObject({ latencyMs: 2.346, upstreamLatencyMs: 1.235 });
  });

  it('holds absurd provider counts, fractions and negative values within the token and cost limits', () => {
    const ai = aiUsageOf({
      provider: 'p'.repeat(150),
      model: 'm'.repeat(300),
      promptTokens: 2 ** 50,
      completionTokens: 12.6,
      cachedTokens: -3,
      costMicros: 10 ** 15,
      currency: 'USD',
    });
    expect(ai).toEqual({ provider: 'p'.repeat(100), model: 'm'.repeat(200), promptTokens: usageRecordLimits.tokens, completionTokens: 13, cachedTokens: 0, costMicros: usageRecordLimits.costMicros, currency: 'USD' });
    expect(aiUsageOf({ provider: 'p', model: 'm', promptTokens: 1, completionTokens: 2, cachedTokens: 0, costMicros: null, currency: null })?.costMicros).toBeNull();
  });
});

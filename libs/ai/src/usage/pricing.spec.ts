import { describe, expect, it } from 'vitest';
import { costMicros, priceUsage } from './pricing';
import { estimateChatPromptTokens, estimateTextTokens } from './token-estimate';

const usd = (input: number, output: number, cached: number | null) => ({ input, output, cached, currency: 'USD' });

describe('costMicros', () => {
  it('charges uncached prompt, cached prompt and completion tokens at their prices', () => {
    // gpt-4o: 2006 prompt of which 1920 cached, 300 completion at $2.50 / $1.25 / $10 per million
    // = 86 × 2.5 + 1920 × 1.25 + 300 × 10 = 215 + 2400 + 3000 µ$
    expect(costMicros({ promptTokens: 2006, cachedTokens: 1920, completionTokens: 300 }, usd(2.5, 10, 1.25))).toBe(5615);
  });

  it('charges cached tokens at the input price when the model has no cached price', () => {
    // 1000 × 3 + 500 × 15 = 10500
    expect(costMicros({ promptTokens: 1000, cachedTokens: 400, completionTokens: 500 }, usd(3, 15, null))).toBe(10_500);
  });

  it('rounds once, half up, to a whole micro-unit', () => {
    // 5 × 2.5 + 10 × 10 = 112.5 → 113
    expect(costMicros({ promptTokens: 5, cachedTokens: 0, completionTokens: 10 }, usd(2.5, 10, null))).toBe(113);
    // 3 × 0.15 = 0.45 → 0
    expect(costMicros({ promptTokens: 3, cachedTokens: 0, completionTokens: 0 }, usd(0.15, 0, null))).toBe(0);
    // 7 × 0.075 + 1 × 0.3 = 0.825 → 1
    expect(costMicros({ promptTokens: 7, cachedTokens: 0, completionTokens: 1 }, usd(0.075, 0.3, null))).toBe(1);
  });

  it('stays exact where floating point would drift', () => {
    // 0.1 + 0.2 per token would be 0.30000000000000004 in floats; 10^9 tokens at $0.3/M = 300,000,000 µ$ = $300
    expect(costMicros({ promptTokens: 1_000_000_000, cachedTokens: 0, completionTokens: 0 }, usd(0.3, 0, null))).toBe(300_000_000);
    // 1M prompt tokens at $0.0375/M = 37,500 µ$ (4 decimals)
    expect(costMicros({ promptTokens: 1_000_000, cachedTokens: 0, completionTokens: 0 }, usd(0.0375, 0, null))).toBe(37_500);
  });
});

describe('priceUsage', () => {
  it('flags a model without a price instead of costing it at zero', () => {
    const usage = priceUsage('ollama', 'llama3.2', { promptTokens: 10, completionTokens: 5, cachedTokens: 0 }, null, 'ollama:llama3.2=200');
    expect(usage).toEqual({
      provider: 'ollama',
      model: 'llama3.2',
      promptTokens: 10,
      completionTokens: 5,
      cachedTokens: 0,
      costMicros: null,
      currency: null,
      priced: false,
      estimated: false,
      attempts: 'ollama:llama3.2=200',
    });
  });

  it('carries the currency and the estimate flag', () => {
    const usage = priceUsage('mistral', 'mistral-small', { promptTokens: 16, completionTokens: 18, cachedTokens: 0, estimated: true }, { input: 0.1, output: 0.3, cached: null, currency: 'EUR' }, '');
    expect(usage).toMatchObject({ costMicros: 7, currency: 'EUR', priced: true, estimated: true });
  });
});

describe('token estimates', () => {
  it('counts a quarter token per character, rounded up', () => {
    expect(estimateTextTokens(0)).toBe(0);
    expect(estimateTextTokens(1)).toBe(1);
    expect(estimateTextTokens(8)).toBe(2);
    expect(estimateTextTokens(9)).toBe(3);
  });

  it('adds four tokens per message and 85 per image', () => {
    const tokens = estimateChatPromptTokens({
      model: 'm',
      messages: [
        { role: 'system', content: 'abcd' },
        { role: 'user', content: [{ type: 'text', text: 'abcdefgh' }, { type: 'image_url', image_url: { url: 'https://x/y.png' } }] },
      ],
    });
    expect(tokens).toBe(3 + 2 * 4 + 85);
  });
});

import { describe, expect, it } from 'vitest';
import { AttemptLimiter } from './attempt-limiter';

describe('AttemptLimiter', () => {
  const setup = () => {
    let now = 1_000_000;
    const limiter = new AttemptLimiter({ perSubject: 3, perAddress: 5, windowMs: 60_000 }, () => now);
    return { limiter, advance: (ms: number) => (now += ms) };
  };

  it('refuses a client from the failing address once its window is full, until the oldest failure leaves it', () => {
    const { limiter, advance } = setup();
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect(limiter.retryAfter('app-1', '10.0.0.1')).toBeNull();
      limiter.recordFailure('app-1', '10.0.0.1');
      advance(10_000);
    }
    expect(limiter.retryAfter('app-1', '10.0.0.1')).toBe(30);
    expect(limiter.retryAfter('app-2', '10.0.0.1')).toBeNull();
    advance(30_000);
    expect(limiter.retryAfter('app-1', '10.0.0.1')).toBeNull();
  });

  it('never refuses a client at an address that has not failed: failures elsewhere cannot lock it out', () => {
    const { limiter } = setup();
    for (let attempt = 0; attempt < 3; attempt += 1) limiter.recordFailure('app-1', '10.0.0.1');
    for (let attempt = 0; attempt < 3; attempt += 1) limiter.recordFailure('app-1', `10.0.1.${attempt}`);
    expect(limiter.retryAfter('app-1', '10.0.0.1')).toBe(60);
    expect(limiter.retryAfter('app-1', '10.0.0.2')).toBeNull();
    expect(limiter.retryAfter('app-1', '10.0.1.0')).toBeNull();
  });

  it('refuses an address that fails across many clients', () => {
    const { limiter } = setup();
    for (let attempt = 0; attempt < 5; attempt += 1) limiter.recordFailure(`app-${attempt}`, '10.0.0.9');
    expect(limiter.retryAfter('fresh-app', '10.0.0.9')).toBe(60);
    expect(limiter.retryAfter(undefined, '10.0.0.9')).toBe(60);
    expect(limiter.retryAfter('fresh-app', '10.0.0.10')).toBeNull();
  });

  it('keeps memory bounded', () => {
    let now = 0;
    const limiter = new AttemptLimiter({ perSubject: 2, perAddress: 2, windowMs: 1_000, maxKeys: 10 }, () => now);
    for (let attempt = 0; attempt < 100; attempt += 1) limiter.recordFailure(`app-${attempt}`, `10.0.${attempt}.1`);
    expect((limiter as unknown as { windows: Map<string, number[]> }).windows.size).toBeLessThanOrEqual(10);
    now += 2_000;
    expect(limiter.retryAfter('app-99', '10.0.99.1')).toBeNull();
  });
});

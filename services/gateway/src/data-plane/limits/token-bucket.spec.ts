import { describe, expect, it } from 'vitest';
import { RateLimiter, ratePolicy } from './rate-limiter';
import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('admits a burst of capacity, then refills continuously', () => {
    const bucket = new TokenBucket(3, 3000, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, true, false]);
    expect(bucket.msUntilNext(0)).toBe(1000);
    expect(bucket.take(999)).toBe(false);
    expect(bucket.take(1000)).toBe(true);
    expect(bucket.remaining(1000)).toBe(0);
    expect(bucket.msUntilFull(1000)).toBe(3000);
  });

  it('never holds more than its capacity and ignores time going backwards', () => {
    const bucket = new TokenBucket(2, 1000, 0);
    expect(bucket.remaining(1_000_000)).toBe(2);
    expect(bucket.take(10)).toBe(true);
    expect(bucket.remaining(5)).toBe(1);
  });

  it('keeps its fill ratio when reconfigured', () => {
    const bucket = new TokenBucket(10, 1000, 0);
    for (let index = 0; index < 5; index += 1) bucket.take(0);
    bucket.reconfigure(100, 1000, 0);
    expect(bucket.remaining(0)).toBe(50);
  });
});

describe('RateLimiter', () => {
  const policy = ratePolicy('plan-gold', { requests: 2, per: 'second' });

  it('answers with RateLimit-Policy and RateLimit headers, and Retry-After when refused', () => {
    const limiter = new RateLimiter(1);
    const first = limiter.check('sub-1', policy, 0);
    expect(first.allowed).toBe(true);
    expect(first.headers).toEqual(['ratelimit-policy', '"plan-gold";q=2;w=1', 'ratelimit', '"plan-gold";r=1;t=1']);
    expect(limiter.check('sub-1', policy, 0).allowed).toBe(true);
    const refused = limiter.check('sub-1', policy, 100);
    expect(refused.allowed).toBe(false);
    expect(refused.headers).toEqual(['ratelimit-policy', '"plan-gold";q=2;w=1', 'ratelimit', '"plan-gold";r=0;t=1', 'retry-after', '1']);
  });

  it('keeps one bucket per subscription', () => {
    const limiter = new RateLimiter(1);
    limiter.check('a', policy, 0);
    limiter.check('a', policy, 0);
    expect(limiter.check('a', policy, 0).allowed).toBe(false);
    expect(limiter.check('b', policy, 0).allowed).toBe(true);
  });

  it('gives each of N replicas a share of the limit', () => {
    const limiter = new RateLimiter(4);
    const perMinute = ratePolicy('p', { requests: 100, per: 'minute' });
    let admitted = 0;
    for (let index = 0; index < 100; index += 1) if (limiter.check('s', perMinute, 0).allowed) admitted += 1;
    expect(admitted).toBe(25);
  });

  it('sanitises the policy name into a structured-field string', () => {
    expect(ratePolicy('a"b\\c d', { requests: 1, per: 'minute' }).policyHeader).toBe('"a_b_c_d";q=1;w=60');
  });
});

import { describe, expect, it } from 'vitest';
import { UsageError } from './cli-context';
import { describeLimits, parseQuota, parseRate } from './plan-spec';

describe('plan flags', () => {
  it('reads rate limits per second and per minute, short units included', () => {
    expect(parseRate('10/second')).toEqual({ requests: 10, per: 'second' });
    expect(parseRate('600/min')).toEqual({ requests: 600, per: 'minute' });
    expect(parseRate('1_000/s')).toEqual({ requests: 1000, per: 'second' });
  });

  it('refuses rates the gateway cannot enforce, naming the flag', () => {
    for (const bad of ['10/hour', '10', '0/second', '-1/second', '1.5/second', 'ten/second', '10/second/x']) {
      expect(() => parseRate(bad), bad).toThrow(UsageError);
    }
    expect(() => parseRate('10/hour')).toThrow('--rate 10/hour: expected <requests>/second or <requests>/minute');
  });

  it('reads daily and monthly quotas with a warning at 80 %', () => {
    expect(parseQuota('1000/day', 'requests')).toEqual({ metric: 'requests', limit: 1000, period: 'day', warnAt: 0.8 });
    expect(parseQuota('50000/month', 'tokens', '--token-quota')).toEqual({ metric: 'tokens', limit: 50000, period: 'month', warnAt: 0.8 });
    expect(() => parseQuota('1000/week', 'tokens', '--token-quota')).toThrow('--token-quota 1000/week: expected <tokens>/day or <tokens>/month');
  });

  it('describes a plan in a few words', () => {
    expect(describeLimits({ requests: 10, per: 'second' }, [parseQuota('1000/day', 'requests')])).toBe('10 requests/second, 1000 requests/day');
    expect(describeLimits(null, [])).toBe('no limits');
  });
});

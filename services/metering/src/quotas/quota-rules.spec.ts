import { describe, expect, it } from 'vitest';
import { evaluateQuotas } from './quota-evaluations';
import { normalizeQuotas, quotaChange, quotaStatus, type SubscriptionQuotas, usedFor } from './quota-rules';

const now = Date.parse('2026-03-14T15:00:00Z');

describe('quota rules', () => {
  it('is exceeded once the limit is reached, warning from warnAt of it', () => {
    expect(quotaStatus(79, 100, 0.8)).toBe('ok');
    expect(quotaStatus(80, 100, 0.8)).toBe('warning');
    expect(quotaStatus(99, 100, 0.8)).toBe('warning');
    expect(quotaStatus(100, 100, 0.8)).toBe('exceeded');
    expect(quotaStatus(99, 100, null)).toBe('ok');
  });

  it('names the change of a transition, and none when the status stays', () => {
    expect(quotaChange('ok', 'warning')).toBe('warning');
    expect(quotaChange('warning', 'exceeded')).toBe('exceeded');
    expect(quotaChange('exceeded', 'ok')).toBe('reset');
    expect(quotaChange('exceeded', 'warning')).toBe('warning');
    expect(quotaChange('warning', 'warning')).toBeNull();
  });

  it('counts cost only in the plan currency, or in every currency when the plan has none', () => {
    const usage = [
      { metric: 'cost' as const, currency: 'USD', day: 5, month: 50 },
      { metric: 'cost' as const, currency: 'EUR', day: 1, month: 10 },
    ];
    const quota = { metric: 'cost' as const, limit: 100, period: 'month' as const, warnAt: null };
    expect(usedFor(usage, quota, 'USD')).toBe(50);
    expect(usedFor(usage, quota, null)).toBe(60);
    expect(usedFor(usage, { ...quota, period: 'day' }, 'EUR')).toBe(1);
  });

  it('keeps the strictest of two quotas on the same metric and period', () => {
    const quotas = normalizeQuotas([
      { metric: 'requests', limit: 100, period: 'day', warnAt: 0.8 },
      { metric: 'requests', limit: 50, period: 'day', warnAt: null },
      { metric: 'requests', limit: 1000, period: 'month', warnAt: null },
    ]);
    expect(quotas).toEqual([
      { metric: 'requests', limit: 50, period: 'day', warnAt: null },
      { metric: 'requests', limit: 1000, period: 'month', warnAt: null },
    ]);
  });

  it('evaluates each quota in the current day or calendar month', () => {
    const subscription: SubscriptionQuotas = {
      subscriptionId: 's-1',
      tenantId: 'acme',
      applicationId: 'app-1',
      apiId: 'api-1',
      planId: 'p-1',
      currency: null,
      quotas: [
        { metric: 'requests', limit: 10, period: 'day', warnAt: null },
        { metric: 'requests', limit: 100, period: 'month', warnAt: null },
      ],
    };
    const usage = new Map([['s-1', [{ metric: 'requests' as const, currency: '', day: 3, month: 30 }]]]);
    const [day, month] = evaluateQuotas([subscription], usage, now);
    expect(day).toMatchObject({ used: 3, periodStart: Date.parse('2026-03-14T00:00:00Z'), periodEnd: Date.parse('2026-03-15T00:00:00Z') });
    expect(month).toMatchObject({ used: 30, periodStart: Date.parse('2026-03-01T00:00:00Z'), periodEnd: Date.parse('2026-04-01T00:00:00Z') });
  });
});

import type { Quota } from '@gatehouse/contracts';
import { type QuotaPeriod, quotaPeriodOf } from '../time/period';

export type QuotaMetric = Quota['metric'];
export type QuotaStatus = 'ok' | 'warning' | 'exceeded';
export type QuotaChange = 'warning' | 'exceeded' | 'reset';

/** An approved subscription whose plan has quotas, as the local catalog tables know it. */
export interface SubscriptionQuotas {
  subscriptionId: string;
  tenantId: string;
  applicationId: string;
  apiId: string;
  planId: string;
  /** The plan's currency: only cost in this currency counts towards a cost quota (any when null). */
  currency: string | null;
  quotas: Quota[];
}

export const quotaKey = (subscriptionId: string, metric: QuotaMetric, period: QuotaPeriod): string => `${subscriptionId}:${metric}:${period}`;

/**
 * `exceeded` once `used` reached the limit (the limit is what may be consumed, so the next
 * request is refused), `warning` from `warnAt` of it, else `ok`.
 */
export function quotaStatus(used: number, limit: number, warnAt: number | null): QuotaStatus {
  if (used >= limit) return 'exceeded';
  if (warnAt !== null && used >= warnAt * limit) return 'warning';
  return 'ok';
}

/** The change event a status transition publishes, or null when nothing changed. */
export function quotaChange(previous: QuotaStatus, next: QuotaStatus): QuotaChange | null {
  if (previous === next) return null;
  return next === 'ok' ? 'reset' : next;
}

/**
 * What counts towards a quota (the ingest statement adds it to daily counters per subscription,
 * metric and currency, whatever the plan, so counters stay exact while a plan is not known yet):
 * `requests` the gateway forwarded (refused ones do not count), `tokens` prompt plus
 * completion, `cost` micro-units per currency. A month quota sums the days of the month.
 */
/** A subscription's consumption in the current day and month, per metric and currency. */
export interface PeriodUsage {
  metric: QuotaMetric;
  currency: string;
  day: number;
  month: number;
}

/** What counts towards `quota`: cost only in the plan's currency (every currency when the plan has none). */
export function usedFor(usage: readonly PeriodUsage[], quota: Quota, planCurrency: string | null): number {
  let used = 0;
  for (const entry of usage) {
    if (entry.metric !== quota.metric) continue;
    if (quota.metric === 'cost' && planCurrency !== null && entry.currency !== planCurrency) continue;
    used += quota.period === 'day' ? entry.day : entry.month;
  }
  return used;
}

/** The current day and month periods at `nowMs`. */
export function currentPeriods(nowMs: number): Record<QuotaPeriod, { start: number; end: number }> {
  return { day: quotaPeriodOf(nowMs, 'day'), month: quotaPeriodOf(nowMs, 'month') };
}

/** Keeps one quota per metric and period (the strictest), so each quota key has one limit. */
export function normalizeQuotas(quotas: readonly Quota[]): Quota[] {
  const strictest = new Map<string, Quota>();
  for (const quota of quotas) {
    const key = `${quota.metric}:${quota.period}`;
    const known = strictest.get(key);
    if (!known || quota.limit < known.limit) strictest.set(key, quota);
  }
  return [...strictest.values()];
}

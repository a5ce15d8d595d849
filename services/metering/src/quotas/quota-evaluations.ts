import type { QuotaEvaluation } from './quota-state.publisher';
import { currentPeriods, type PeriodUsage, type SubscriptionQuotas, usedFor } from './quota-rules';

/** Every quota of `subscriptions` with its consumption in the period current at `nowMs`. */
export function evaluateQuotas(subscriptions: Iterable<SubscriptionQuotas>, usage: ReadonlyMap<string, readonly PeriodUsage[]>, nowMs: number): QuotaEvaluation[] {
  const periods = currentPeriods(nowMs);
  const evaluations: QuotaEvaluation[] = [];
  for (const subscription of subscriptions) {
    const consumed = usage.get(subscription.subscriptionId) ?? [];
    for (const quota of subscription.quotas) {
      const window = periods[quota.period];
      evaluations.push({ subscription, quota, periodStart: window.start, periodEnd: window.end, used: usedFor(consumed, quota, subscription.currency) });
    }
  }
  return evaluations;
}

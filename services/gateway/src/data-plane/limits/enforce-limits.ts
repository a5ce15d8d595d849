import { type Rejection, rejection } from '../http/rejections';
import type { Exchange } from '../server/exchange';
import type { GatewayState } from '../state/gateway-state';
import type { RateLimiter } from './rate-limiter';

const rateLimited = (headers: string[]) => rejection(429, 'rate_limited', 'the rate limit of this subscription is exhausted; retry after the number of seconds in Retry-After', headers);

/**
 * Applies the plan's rate limit (token bucket per subscription, `RateLimit*` headers on every
 * answer) and then the quotas metering reports as exceeded for the current period.
 */
export function enforceLimits(exchange: Exchange, state: GatewayState, limiter: RateLimiter, now: number): Rejection | null {
  const subscriptionId = exchange.subscriptionId;
  if (subscriptionId === null) return null;
  const policy = state.ratePolicy(exchange.planId!);
  if (policy) {
    const decision = limiter.check(subscriptionId, policy, now);
    if (!decision.allowed) return rateLimited(decision.headers);
    for (let index = 0; index < decision.headers.length; index += 1) exchange.responseHeaders.push(decision.headers[index]!);
  }
  const quota = state.exceededQuota(subscriptionId, now);
  if (quota !== undefined) {
    const retryAfter = Math.max(1, Math.ceil((Date.parse(quota.periodEnd) - now) / 1000));
    return rejection(429, 'quota_exceeded', `the ${quota.period === 'day' ? 'daily' : 'monthly'} ${quota.metric} quota of this subscription (${quota.limit}) is exhausted until ${quota.periodEnd}`, ['retry-after', String(retryAfter)]);
  }
  return null;
}

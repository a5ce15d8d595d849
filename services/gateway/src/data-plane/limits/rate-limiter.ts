import { TokenBucket } from './token-bucket';

/** A plan's rate limit as the gateway enforces it. */
export interface RatePolicy {
  /** Requests allowed per window across the whole gateway fleet. */
  readonly requests: number;
  readonly windowSeconds: number;
  /** `RateLimit-Policy` value, built once per plan. */
  readonly policyHeader: string;
  /** Quoted policy name, the start of every `RateLimit` value. */
  readonly name: string;
}

export interface RateDecision {
  readonly allowed: boolean;
  /** Flat response headers: `ratelimit-policy`, `ratelimit`, and `retry-after` when refused. */
  readonly headers: string[];
}

const policyName = (planId: string) => `"${planId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64)}"`;

/** Builds the policy of a plan's `{requests, per}` rate limit. */
export function ratePolicy(planId: string, limit: { requests: number; per: 'second' | 'minute' }): RatePolicy {
  const windowSeconds = limit.per === 'second' ? 1 : 60;
  const name = policyName(planId);
  return { requests: limit.requests, windowSeconds, name, policyHeader: `${name};q=${limit.requests};w=${windowSeconds}` };
}

/**
 * In-memory token buckets, one per subscription (an application's subscription to an API
 * under a plan). With N replicas behind a load balancer each replica enforces limit / N, so
 * the fleet admits about the plan's limit; headers report the fleet-wide estimate (draft
 * IETF RateLimit header fields: `RateLimit-Policy: "p";q=100;w=60`, `RateLimit: "p";r=42;t=12`).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly replicas: number) {
    if (!Number.isInteger(replicas) || replicas < 1) throw new Error('replicas must be a positive integer');
  }

  check(key: string, policy: RatePolicy, now: number): RateDecision {
    const capacity = Math.max(1, Math.floor(policy.requests / this.replicas));
    const windowMs = policy.windowSeconds * 1000;
    let bucket = this.buckets.get(key);
    if (bucket === undefined) this.buckets.set(key, (bucket = new TokenBucket(capacity, windowMs, now)));
    else bucket.reconfigure(capacity, windowMs, now);
    const allowed = bucket.take(now);
    const remaining = Math.min(policy.requests, bucket.remaining(now) * this.replicas);
    if (allowed) {
      const reset = Math.ceil(bucket.msUntilFull(now) / 1000);
      return { allowed, headers: ['ratelimit-policy', policy.policyHeader, 'ratelimit', `${policy.name};r=${remaining};t=${reset}`] };
    }
    const retryAfter = Math.max(1, Math.ceil(bucket.msUntilNext(now) / 1000));
    return {
      allowed,
      headers: ['ratelimit-policy', policy.policyHeader, 'ratelimit', `${policy.name};r=0;t=${retryAfter}`, 'retry-after', String(retryAfter)],
    };
  }

  /** Forgets buckets whose key is no longer live (subscriptions removed). */
  retain(live: (key: string) => boolean): void {
    for (const key of this.buckets.keys()) if (!live(key)) this.buckets.delete(key);
  }

  get size(): number {
    return this.buckets.size;
  }
}

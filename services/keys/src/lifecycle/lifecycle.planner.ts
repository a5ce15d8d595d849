import type { KeyStateName } from '@gatehouse/contracts';
import type { KeySetPolicy } from '../key-sets/key-set-policy';

/** What the planner needs to know of a key. */
export interface PlannedKey {
  kid: string;
  state: KeyStateName;
  createdAt: Date;
  activatesAt: Date;
  verifiableUntil: Date | null;
  retiredAt: Date | null;
  revokedAt: Date | null;
  activationReason: 'scheduled' | 'manual';
}

export type LifecycleStep =
  | { kind: 'expire'; kid: string }
  | { kind: 'destroy'; kid: string; from: 'retired' | 'revoked' }
  | { kind: 'activate'; kid: string; replaces: string | null; reason: 'scheduled' | 'manual' }
  | { kind: 'create'; state: 'active' | 'pending'; activatesAt: Date };

const plus = (date: Date, seconds: number) => new Date(date.getTime() + seconds * 1000);
const latest = (...dates: Date[]) => new Date(Math.max(...dates.map((date) => date.getTime())));

/** When a successor created at `now` may activate: one period after the active key, never before the lead time. */
export function successorActivation(policy: Pick<KeySetPolicy, 'rotationPeriodSeconds' | 'leadTimeSeconds'>, activeSince: Date | null, now: Date): Date {
  const earliest = plus(now, policy.leadTimeSeconds);
  return activeSince ? latest(plus(activeSince, policy.rotationPeriodSeconds), earliest) : earliest;
}

/** The earliest instant a pending key published at `createdAt` may become active. */
export const earliestActivation = (policy: Pick<KeySetPolicy, 'leadTimeSeconds'>, createdAt: Date) => plus(createdAt, policy.leadTimeSeconds);

export interface PlanOptions {
  /**
   * Whether tokens fall back to another set while this one has no active key (a tenant set
   * falls back to the platform's). Such a set's first key is pre-published like any successor,
   * since verifiers may hold a cached JWKS without it; a platform set has nothing to fall back
   * on, so its first key is active at once (no token, and no JWKS, can predate it).
   */
  hasFallback?: boolean;
}

/**
 * The transitions one scheduler tick applies to a set at `now`, in order: retiring keys
 * whose window passed leave the JWKS, old material is destroyed, a due pending key takes
 * over, a set without an active key gets its first one (at once, or pre-published when it
 * has a fallback), and a successor is pre-published.
 */
export function planTick(policy: KeySetPolicy, keys: readonly PlannedKey[], now: Date, options: PlanOptions = {}): LifecycleStep[] {
  const steps: LifecycleStep[] = [];
  for (const key of keys) {
    if (key.state === 'retiring' && key.verifiableUntil && key.verifiableUntil <= now) steps.push({ kind: 'expire', kid: key.kid });
    if (key.state === 'retired' && key.retiredAt && plus(key.retiredAt, policy.destroyAfterSeconds) <= now) steps.push({ kind: 'destroy', kid: key.kid, from: 'retired' });
    if (key.state === 'revoked' && key.revokedAt && plus(key.revokedAt, policy.retireWindowSeconds) <= now) steps.push({ kind: 'destroy', kid: key.kid, from: 'revoked' });
  }
  const active = keys.find((key) => key.state === 'active') ?? null;
  const pending = keys.find((key) => key.state === 'pending') ?? null;
  let activeSince = active?.activatesAt ?? null;
  let hasPending = pending !== null;
  if (pending && (pending.activatesAt <= now || (!active && !options.hasFallback))) {
    steps.push({ kind: 'activate', kid: pending.kid, replaces: active?.kid ?? null, reason: pending.activationReason });
    activeSince = now;
    hasPending = false;
  } else if (!active && !pending && options.hasFallback) {
    steps.push({ kind: 'create', state: 'pending', activatesAt: earliestActivation(policy, now) });
    return steps;
  } else if (!active && !pending) {
    steps.push({ kind: 'create', state: 'active', activatesAt: now });
    activeSince = now;
  }
  if (!hasPending && activeSince) steps.push({ kind: 'create', state: 'pending', activatesAt: successorActivation(policy, activeSince, now) });
  return steps;
}

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

/**
 * The transitions one scheduler tick applies to a set at `now`, in order: retiring keys
 * whose window passed leave the JWKS, old material is destroyed, a due pending key takes
 * over (a set without an active key gets one at once), and a successor is pre-published.
 */
export function planTick(policy: KeySetPolicy, keys: readonly PlannedKey[], now: Date): LifecycleStep[] {
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
  if (pending && (!active || pending.activatesAt <= now)) {
    steps.push({ kind: 'activate', kid: pending.kid, replaces: active?.kid ?? null, reason: pending.activationReason });
    activeSince = now;
    hasPending = false;
  } else if (!active) {
    steps.push({ kind: 'create', state: 'active', activatesAt: now });
    activeSince = now;
  }
  if (!hasPending) steps.push({ kind: 'create', state: 'pending', activatesAt: successorActivation(policy, activeSince, now) });
  return steps;
}

import { describe, expect, it } from 'vitest';
import type { KeySetPolicy } from '../key-sets/key-set-policy';
import { type PlannedKey, planTick, successorActivation } from './lifecycle.planner';

const policy: KeySetPolicy = {
  alg: 'ES256',
  rsaModulusLength: 2048,
  rotationPeriodSeconds: 3600,
  leadTimeSeconds: 600,
  retireWindowSeconds: 930,
  destroyAfterSeconds: 86_400,
};
const t0 = new Date('2030-01-01T00:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const key = (kid: string, state: PlannedKey['state'], extra: Partial<PlannedKey> = {}): PlannedKey => ({
  kid,
  state,
  createdAt: t0,
  activatesAt: t0,
  verifiableUntil: null,
  retiredAt: null,
  revokedAt: null,
  activationReason: 'scheduled',
  ...extra,
});

describe('planTick', () => {
  it('gives a new set an active key at once and pre-publishes its successor one period later', () => {
    expect(planTick(policy, [], t0)).toEqual([
      { kind: 'create', state: 'active', activatesAt: t0 },
      { kind: 'create', state: 'pending', activatesAt: at(3600) },
    ]);
  });

  it('does nothing while the active key is within its period and a successor is published', () => {
    expect(planTick(policy, [key('a', 'active'), key('p', 'pending', { activatesAt: at(3600) })], at(1800))).toEqual([]);
  });

  it('activates the pending key when due and pre-publishes the next one', () => {
    const steps = planTick(policy, [key('a', 'active'), key('p', 'pending', { activatesAt: at(3600) })], at(3600));
    expect(steps).toEqual([
      { kind: 'activate', kid: 'p', replaces: 'a', reason: 'scheduled' },
      { kind: 'create', state: 'pending', activatesAt: at(7200) },
    ]);
  });

  it('after a long outage activates the overdue key and gives the next one a full period', () => {
    const steps = planTick(policy, [key('a', 'active'), key('p', 'pending', { activatesAt: at(3600) })], at(10 * 3600));
    expect(steps).toEqual([
      { kind: 'activate', kid: 'p', replaces: 'a', reason: 'scheduled' },
      { kind: 'create', state: 'pending', activatesAt: at(11 * 3600) },
    ]);
  });

  it('never plans a successor closer than the lead time when the active key is overdue', () => {
    const steps = planTick(policy, [key('a', 'active')], at(3500));
    expect(steps).toEqual([{ kind: 'create', state: 'pending', activatesAt: at(4100) }]);
  });

  it('retires a retiring key once its verification window has passed, not before', () => {
    const retiring = key('r', 'retiring', { verifiableUntil: at(930) });
    const live = [key('a', 'active'), key('p', 'pending', { activatesAt: at(3600) })];
    expect(planTick(policy, [retiring, ...live], at(929))).toEqual([]);
    expect(planTick(policy, [retiring, ...live], at(930))).toEqual([{ kind: 'expire', kid: 'r' }]);
  });

  it('destroys retired keys after the grace period and revoked keys after the retire window', () => {
    const live = [key('a', 'active'), key('p', 'pending', { activatesAt: at(100_000) })];
    const retired = key('old', 'retired', { retiredAt: t0 });
    const revoked = key('bad', 'revoked', { revokedAt: t0 });
    expect(planTick(policy, [retired, revoked, ...live], at(930))).toEqual([{ kind: 'destroy', kid: 'bad', from: 'revoked' }]);
    expect(planTick(policy, [retired, ...live], at(86_400))).toEqual([{ kind: 'destroy', kid: 'old', from: 'retired' }]);
  });

  it('pre-publishes the first key of a set that has a fallback, and activates it only when due', () => {
    const first = planTick(policy, [], t0, { hasFallback: true });
    expect(first).toEqual([{ kind: 'create', state: 'pending', activatesAt: at(600) }]);
    const pending = key('p', 'pending', { activatesAt: at(600) });
    expect(planTick(policy, [pending], at(599), { hasFallback: true })).toEqual([]);
    expect(planTick(policy, [pending], at(600), { hasFallback: true })).toEqual([
      { kind: 'activate', kid: 'p', replaces: null, reason: 'scheduled' },
      { kind: 'create', state: 'pending', activatesAt: at(4200) },
    ]);
  });

  it('promotes the pending key immediately when a set without fallback has no active key', () => {
    expect(planTick(policy, [key('p', 'pending', { activatesAt: at(3600), activationReason: 'manual' })], at(10))).toEqual([
      { kind: 'activate', kid: 'p', replaces: null, reason: 'manual' },
      { kind: 'create', state: 'pending', activatesAt: at(3610) },
    ]);
  });
});

describe('successorActivation', () => {
  it('is one period after activation but never sooner than the lead time from now', () => {
    expect(successorActivation(policy, t0, at(100))).toEqual(at(3600));
    expect(successorActivation(policy, t0, at(3500))).toEqual(at(4100));
    expect(successorActivation(policy, null, t0)).toEqual(at(600));
  });
});

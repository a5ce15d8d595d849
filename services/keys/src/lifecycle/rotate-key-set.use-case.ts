import { Injectable } from '@nestjs/common';
import type { Actor } from '../audit/actor';
import { AuditRepository } from '../audit/audit.repository';
import { Clock } from '../clock/clock';
import type { KeySetEntity } from '../key-sets/entities/key-set.entity';
import { KeySetsRepository } from '../key-sets/key-sets.repository';
import { KeyTransitions } from './key-transitions.service';
import { earliestActivation } from './lifecycle.planner';
import { SetLifecycle } from './set-lifecycle.service';

export type RotationOutcome =
  | { status: 'activated'; activeKid: string; retiringKid: string | null; pendingKid: string | null }
  | { status: 'scheduled'; pendingKid: string; activatesAt: string };

/**
 * Manual rotation. The pending key takes over now if it has been published for at least the
 * lead time (so every JWKS cache already holds it); otherwise its activation is brought
 * forward to the earliest safe instant and the scheduler performs it then.
 */
@Injectable()
export class RotateKeySet {
  constructor(
    private readonly keys: KeySetsRepository,
    private readonly transitions: KeyTransitions,
    private readonly lifecycle: SetLifecycle,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
  ) {}

  execute(set: KeySetEntity, actor: Actor): Promise<RotationOutcome> {
    return this.keys.transaction(async (manager) => {
      await this.keys.lockLifecycle(manager);
      const now = this.clock.now();
      await this.audit.record(manager, { at: now, actor, action: 'key-set.rotation-requested', tenantId: set.tenantId, keySetId: set.id });
      const keys = await this.keys.keysOfSet(set.id, { states: ['pending', 'active'], manager });
      const active = keys.find((key) => key.state === 'active') ?? null;
      const pending = keys.find((key) => key.state === 'pending') ?? (await this.transitions.create(manager, set, 'pending', earliestActivation(set, now), now, actor));
      const earliest = earliestActivation(set, pending.createdAt);
      if (earliest > now) {
        await this.transitions.reschedule(manager, set, pending, earliest, now, actor, 'manual');
        return { status: 'scheduled', pendingKid: pending.kid, activatesAt: earliest.toISOString() };
      }
      await this.transitions.activate(manager, set, pending, active, now, actor, 'manual');
      await this.lifecycle.advance(manager, set, now, actor);
      const next = await this.keys.keysOfSet(set.id, { states: ['pending'], manager });
      return { status: 'activated', activeKid: pending.kid, retiringKid: active?.kid ?? null, pendingKid: next[0]?.kid ?? null };
    });
  }
}

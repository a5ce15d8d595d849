import { Inject, Injectable } from '@nestjs/common';
import type { KeyAlgorithm } from '@gatehouse/contracts';
import { badRequest } from '@gatehouse/platform';
import type { Actor } from '../audit/actor';
import { AuditRepository } from '../audit/audit.repository';
import { Clock } from '../clock/clock';
import { KEYS_OPTIONS, type KeysOptions } from '../keys.options';
import { KeyTransitions } from '../lifecycle/key-transitions.service';
import { earliestActivation, successorActivation } from '../lifecycle/lifecycle.planner';
import { SetLifecycle } from '../lifecycle/set-lifecycle.service';
import type { PolicyPatch } from './dto/key-set.dto';
import type { KeySetEntity } from './entities/key-set.entity';
import { type KeySetPolicy, policyProblems } from './key-set-policy';
import { KeySetsRepository } from './key-sets.repository';

const policyOf = (set: KeySetEntity): KeySetPolicy => ({
  alg: set.alg,
  rsaModulusLength: set.rsaModulusLength,
  rotationPeriodSeconds: set.rotationPeriodSeconds,
  leadTimeSeconds: set.leadTimeSeconds,
  retireWindowSeconds: set.retireWindowSeconds,
  destroyAfterSeconds: set.destroyAfterSeconds,
});

/**
 * Changes a set's policy. A new algorithm or key size discards the pending key (never used)
 * and pre-publishes one of the new kind; a new period or lead time moves the pending key's
 * activation, never earlier than one lead time after its publication. Keys already retiring
 * keep the window they were given.
 */
@Injectable()
export class ChangeKeySetPolicy {
  constructor(
    private readonly keys: KeySetsRepository,
    private readonly transitions: KeyTransitions,
    private readonly lifecycle: SetLifecycle,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
    @Inject(KEYS_OPTIONS) private readonly options: KeysOptions,
  ) {}

  /** `raisedBecause`: the change raises a stored policy to the configured limits (audited as `key-set.policy-raised`). */
  async execute(set: KeySetEntity, patch: PolicyPatch, actor: Actor, raisedBecause?: string[]): Promise<KeySetEntity> {
    const before = policyOf(set);
    const after: KeySetPolicy = { ...before, ...(patch as Partial<KeySetPolicy>) };
    const problems = policyProblems(set.purpose, after, this.options.limits);
    if (problems.length) throw badRequest(problems.join('; '), { problems });
    return this.keys.transaction(async (manager) => {
      await this.keys.lockLifecycle(manager);
      const now = this.clock.now();
      const current = (await this.keys.findSet(set.id, manager))!;
      Object.assign(current, after, { alg: after.alg as KeyAlgorithm, updatedAt: now });
      await this.keys.saveSet(manager, current);
      await this.audit.record(manager, {
        at: now,
        actor,
        action: raisedBecause ? 'key-set.policy-raised' : 'key-set.policy-changed',
        tenantId: current.tenantId,
        keySetId: current.id,
        details: raisedBecause ? { before, after, reasons: raisedBecause } : { before, after },
      });
      const keys = await this.keys.keysOfSet(current.id, { states: ['pending', 'active'], manager });
      const pending = keys.find((key) => key.state === 'pending');
      const active = keys.find((key) => key.state === 'active') ?? null;
      if (pending && (pending.alg !== current.alg || before.rsaModulusLength !== current.rsaModulusLength)) {
        await this.transitions.destroy(manager, current, pending, now, actor, 'manual');
      } else if (pending) {
        const planned =
          pending.activationReason === 'manual'
            ? earliestActivation(current, pending.createdAt)
            : successorActivation(current, active?.activatesAt ?? null, pending.createdAt);
        if (planned.getTime() !== pending.activatesAt.getTime()) await this.transitions.reschedule(manager, current, pending, planned, now, actor, pending.activationReason);
      }
      await this.lifecycle.advance(manager, current, now, actor);
      return current;
    });
  }
}

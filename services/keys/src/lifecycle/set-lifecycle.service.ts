import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../audit/actor';
import type { KeySetEntity } from '../key-sets/entities/key-set.entity';
import { KeySetsRepository } from '../key-sets/key-sets.repository';
import { KeyTransitions } from './key-transitions.service';
import { type LifecycleStep, planTick } from './lifecycle.planner';

const live = ['pending', 'active', 'retiring', 'retired', 'revoked'] as const;

/** Brings one key set up to date at `now`: plans the due transitions and applies them in order. */
@Injectable()
export class SetLifecycle {
  constructor(
    private readonly keys: KeySetsRepository,
    private readonly transitions: KeyTransitions,
  ) {}

  /** Runs inside a transaction that holds the lifecycle lock; returns the steps applied. */
  async advance(manager: EntityManager, set: KeySetEntity, now: Date, actor: Actor): Promise<LifecycleStep[]> {
    const keys = await this.keys.keysOfSet(set.id, { states: live, manager });
    const byKid = new Map(keys.map((key) => [key.kid, key]));
    const steps = planTick(set, keys, now, { hasFallback: set.tenantId !== null });
    for (const step of steps) {
      switch (step.kind) {
        case 'expire':
          await this.transitions.expire(manager, set, byKid.get(step.kid)!, now, actor);
          break;
        case 'destroy':
          await this.transitions.destroy(manager, set, byKid.get(step.kid)!, now, actor);
          break;
        case 'activate':
          await this.transitions.activate(manager, set, byKid.get(step.kid)!, step.replaces ? byKid.get(step.replaces)! : null, now, actor, step.reason);
          break;
        case 'create':
          await this.transitions.create(manager, set, step.state, step.activatesAt, now, actor);
          break;
      }
    }
    return steps;
  }
}

import { Injectable } from '@nestjs/common';
import { conflict, notFound } from '@gatehouse/platform';
import type { Actor } from '../audit/actor';
import { Clock } from '../clock/clock';
import type { KeySetEntity } from '../key-sets/entities/key-set.entity';
import { KeySetsRepository } from '../key-sets/key-sets.repository';
import { KeyTransitions } from './key-transitions.service';
import { SetLifecycle } from './set-lifecycle.service';

export interface RevocationOutcome {
  revokedKid: string;
  activeKid: string | null;
  pendingKid: string | null;
}

/**
 * Emergency revocation. The key is refused at once (`KeyRevokedV1`, and its state record
 * turns `revoked`). When it was the active key, the pre-published pending key takes over in
 * the same transaction (one is generated on the spot if there is none), and a new successor
 * is pre-published.
 */
@Injectable()
export class RevokeKey {
  constructor(
    private readonly keys: KeySetsRepository,
    private readonly transitions: KeyTransitions,
    private readonly lifecycle: SetLifecycle,
    private readonly clock: Clock,
  ) {}

  execute(set: KeySetEntity, kid: string, reason: string, actor: Actor): Promise<RevocationOutcome> {
    return this.keys.transaction(async (manager) => {
      await this.keys.lockLifecycle(manager);
      const key = await this.keys.findKey(set.id, kid, manager);
      if (!key) throw notFound(`key ${kid} in key set`, set.id);
      if (key.state !== 'pending' && key.state !== 'active' && key.state !== 'retiring') {
        throw conflict(`key ${kid} is ${key.state}; only pending, active or retiring keys can be revoked`);
      }
      const now = this.clock.now();
      const wasActive = key.state === 'active';
      await this.transitions.revoke(manager, set, key, now, actor, reason);
      if (wasActive) {
        const [pending] = await this.keys.keysOfSet(set.id, { states: ['pending'], manager });
        const successor = pending ?? (await this.transitions.create(manager, set, 'pending', now, now, actor));
        await this.transitions.activate(manager, set, successor, null, now, actor, 'emergency');
      }
      await this.lifecycle.advance(manager, set, now, actor);
      const live = await this.keys.keysOfSet(set.id, { states: ['active', 'pending'], manager });
      return {
        revokedKid: kid,
        activeKid: live.find((entry) => entry.state === 'active')?.kid ?? null,
        pendingKid: live.find((entry) => entry.state === 'pending')?.kid ?? null,
      };
    });
  }
}

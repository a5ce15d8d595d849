import { Injectable } from '@nestjs/common';
import { ReadinessRegistry } from '@gatehouse/platform';
import { KeyChangeListener } from './changes/key-change.listener';
import { KeySetsRepository } from './key-sets/key-sets.repository';

/**
 * Ready once every key set has an active key (or, for a tenant set whose first key is still
 * pre-published, a pending one: the platform set signs meanwhile) and key changes are being received.
 */
@Injectable()
export class KeysReadiness {
  constructor(readiness: ReadinessRegistry, keys: KeySetsRepository, changes: KeyChangeListener) {
    readiness.add({
      name: 'active-keys',
      check: async () => {
        const sets = await keys.listSets();
        if (sets.length === 0) throw new Error('no key sets yet');
        const counts = await keys.stateCounts();
        const withState = (state: string) => new Set(counts.filter((row) => row.state === state).map((row) => row.keySetId));
        const [active, pending] = [withState('active'), withState('pending')];
        const missing = sets.filter((set) => !active.has(set.id) && !(set.tenantId !== null && pending.has(set.id))).map((set) => set.id);
        if (missing.length) throw new Error(`no active key in ${missing.join(', ')}`);
      },
    });
    readiness.add({
      name: 'key-change-listener',
      check: async () => {
        if (!changes.listening) throw new Error('not listening for key changes');
      },
    });
  }
}

import { Injectable } from '@nestjs/common';
import { ReadinessRegistry } from '@gatehouse/platform';
import { KeyChangeListener } from './changes/key-change.listener';
import { KeySetsRepository } from './key-sets/key-sets.repository';

/** Ready once every key set has exactly one active key and key changes are being received. */
@Injectable()
export class KeysReadiness {
  constructor(readiness: ReadinessRegistry, keys: KeySetsRepository, changes: KeyChangeListener) {
    readiness.add({
      name: 'active-keys',
      check: async () => {
        const sets = await keys.listSets();
        if (sets.length === 0) throw new Error('no key sets yet');
        const active = new Set((await keys.stateCounts()).filter((row) => row.state === 'active').map((row) => row.keySetId));
        const missing = sets.filter((set) => !active.has(set.id)).map((set) => set.id);
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

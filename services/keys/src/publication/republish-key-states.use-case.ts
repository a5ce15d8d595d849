import { Injectable } from '@nestjs/common';
import { KeySetsRepository } from '../key-sets/key-sets.repository';
import { KeyTransitions } from '../lifecycle/key-transitions.service';
import { KeyEventsOutbox } from './key-events.outbox';

/**
 * Publishes the current `KeyStateV1` of every key still on the state topic. Run at boot, it
 * re-wraps private keys under the transport secrets now configured (so a transport-secret
 * rotation reaches identity and the gateway without waiting for the next transition) and
 * heals a state topic that lost records. Idempotent: the topic is compacted by kid.
 */
@Injectable()
export class RepublishKeyStates {
  constructor(
    private readonly keys: KeySetsRepository,
    private readonly transitions: KeyTransitions,
    private readonly outbox: KeyEventsOutbox,
  ) {}

  execute(): Promise<number> {
    return this.keys.transaction(async (manager) => {
      await this.keys.lockLifecycle(manager);
      let published = 0;
      for (const set of await this.keys.listSets({}, manager)) {
        for (const key of await this.keys.keysOfSet(set.id, { states: ['pending', 'active', 'retiring', 'revoked'], manager })) {
          await this.outbox.state(manager, await this.transitions.stateOf(set, key));
          published += 1;
        }
      }
      return published;
    });
  }
}

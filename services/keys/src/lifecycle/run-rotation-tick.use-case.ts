import { Injectable } from '@nestjs/common';
import { SCHEDULER } from '../audit/actor';
import { Clock } from '../clock/clock';
import { KeySetsRepository } from '../key-sets/key-sets.repository';
import { SetLifecycle } from './set-lifecycle.service';

export interface TickResult {
  /** False when another replica held the lifecycle lock. */
  ran: boolean;
  /** Lifecycle steps applied (an activation counts once though it moves two keys). */
  steps: number;
}

/**
 * One scheduler tick: under the schema's advisory lock, in one transaction, every key set is
 * advanced to the injected clock's now. A replica that cannot take the lock skips the tick.
 */
@Injectable()
export class RunRotationTick {
  constructor(
    private readonly keys: KeySetsRepository,
    private readonly lifecycle: SetLifecycle,
    private readonly clock: Clock,
  ) {}

  execute(): Promise<TickResult> {
    return this.keys.transaction(async (manager) => {
      if (!(await this.keys.tryLockLifecycle(manager))) return { ran: false, steps: 0 };
      const now = this.clock.now();
      let steps = 0;
      for (const set of await this.keys.listSets({}, manager)) {
        steps += (await this.lifecycle.advance(manager, set, now, SCHEDULER)).length;
      }
      return { ran: true, steps };
    });
  }
}

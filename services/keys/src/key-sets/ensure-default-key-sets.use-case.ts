import { Inject, Injectable } from '@nestjs/common';
import { keyPurposes } from '@gatehouse/contracts';
import type { Logger } from '@gatehouse/observability';
import { LOGGER } from '@gatehouse/platform';
import { SCHEDULER } from '../audit/actor';
import { AuditRepository } from '../audit/audit.repository';
import { Clock } from '../clock/clock';
import { KEYS_OPTIONS, type KeysOptions } from '../keys.options';
import { SetLifecycle } from '../lifecycle/set-lifecycle.service';
import type { KeySetEntity } from './entities/key-set.entity';
import { defaultPolicy, platformSetId } from './key-set.defaults';
import { policyProblems } from './key-set-policy';
import { KeySetsRepository } from './key-sets.repository';

/**
 * Creates the platform's default set of each purpose when missing, with its first active key
 * and successor in the same transaction (a set never exists without an active key).
 * Idempotent across restarts and replicas.
 */
@Injectable()
export class EnsureDefaultKeySets {
  constructor(
    private readonly keys: KeySetsRepository,
    private readonly audit: AuditRepository,
    private readonly lifecycle: SetLifecycle,
    private readonly clock: Clock,
    @Inject(KEYS_OPTIONS) private readonly options: KeysOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Resolves true when it created a set (a first start). */
  execute(): Promise<boolean> {
    return this.keys.transaction(async (manager) => {
      await this.keys.lockLifecycle(manager);
      const now = this.clock.now();
      let created = false;
      for (const purpose of keyPurposes) {
        const policy = defaultPolicy(purpose, this.options);
        const problems = policyProblems(purpose, policy, this.options.limits);
        if (problems.length) throw new Error(`default ${purpose} policy is invalid: ${problems.join('; ')}`);
        const set: KeySetEntity = { id: platformSetId[purpose], purpose, tenantId: null, ...policy, createdAt: now, updatedAt: now };
        if (!(await this.keys.insertSet(manager, set))) continue;
        created = true;
        await this.audit.record(manager, { at: now, actor: SCHEDULER, action: 'key-set.created', tenantId: null, keySetId: set.id, details: { purpose, policy } });
        await this.lifecycle.advance(manager, set, now, SCHEDULER);
        this.logger.info({ keySetId: platformSetId[purpose], purpose }, 'platform default key set created');
      }
      return created;
    });
  }
}

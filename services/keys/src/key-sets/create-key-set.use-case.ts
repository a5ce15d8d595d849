import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { KeyAlgorithm } from '@gatehouse/contracts';
import { badRequest, conflict } from '@gatehouse/platform';
import type { Actor } from '../audit/actor';
import { AuditRepository } from '../audit/audit.repository';
import { Clock } from '../clock/clock';
import { KEYS_OPTIONS, type KeysOptions } from '../keys.options';
import { SetLifecycle } from '../lifecycle/set-lifecycle.service';
import type { CreateKeySetInput } from './dto/key-set.dto';
import type { KeyEntity } from './entities/key.entity';
import type { KeySetEntity } from './entities/key-set.entity';
import { defaultPolicy } from './key-set.defaults';
import { type KeySetPolicy, policyProblems } from './key-set-policy';
import { KeySetsRepository } from './key-sets.repository';

/**
 * Creates a tenant's own key set of one purpose. Its first key is pre-published (pending for
 * the lead time, like any successor): verifiers may hold the tenant JWKS without it, so the
 * tenant's tokens stay on the platform set until it activates.
 */
@Injectable()
export class CreateKeySet {
  constructor(
    private readonly keys: KeySetsRepository,
    private readonly lifecycle: SetLifecycle,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
    @Inject(KEYS_OPTIONS) private readonly options: KeysOptions,
  ) {}

  async execute(tenantId: string, input: CreateKeySetInput, actor: Actor): Promise<{ set: KeySetEntity; keys: KeyEntity[] }> {
    const { purpose, tenantId: _tenant, ...patch } = input;
    const policy: KeySetPolicy = { ...defaultPolicy(purpose, this.options), ...(patch as Partial<KeySetPolicy>) };
    if (patch.leadTimeSeconds === undefined && policy.rotationPeriodSeconds < policy.leadTimeSeconds) {
      policy.leadTimeSeconds = Math.max(this.options.limits.jwksCacheSeconds, policy.rotationPeriodSeconds);
    }
    const problems = policyProblems(purpose, policy, this.options.limits);
    if (problems.length) throw badRequest(problems.join('; '), { problems });
    return this.keys.transaction(async (manager) => {
      await this.keys.lockLifecycle(manager);
      const existing = await this.keys.findSetFor(purpose, tenantId, manager);
      if (existing) throw conflict(`tenant ${tenantId} already has an ${purpose} key set (${existing.id}); change its policy instead`, { keySetId: existing.id });
      const now = this.clock.now();
      const set: KeySetEntity = { id: `ks-${randomUUID()}`, purpose, tenantId, ...policy, alg: policy.alg as KeyAlgorithm, createdAt: now, updatedAt: now };
      await this.keys.insertSet(manager, set);
      await this.audit.record(manager, { at: now, actor, action: 'key-set.created', tenantId, keySetId: set.id, details: { purpose, policy } });
      await this.lifecycle.advance(manager, set, now, actor);
      return { set, keys: await this.keys.keysOfSet(set.id, { manager }) };
    });
  }
}

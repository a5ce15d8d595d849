import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@gatehouse/observability';
import { LOGGER } from '@gatehouse/platform';
import { SCHEDULER } from '../audit/actor';
import { KEYS_OPTIONS, type KeysOptions } from '../keys.options';
import { ChangeKeySetPolicy } from './change-key-set-policy.use-case';
import type { PolicyPatch } from './dto/key-set.dto';
import type { KeySetEntity } from './entities/key-set.entity';
import { minimumRetireWindow, type PolicyLimits } from './key-set-policy';
import { KeySetsRepository } from './key-sets.repository';

/** The fields of a stored policy that fall short of the limits, raised to them, with a sentence for each. */
export function raiseToLimits(set: KeySetEntity, limits: PolicyLimits): { patch: PolicyPatch; reasons: string[] } {
  const patch: PolicyPatch = {};
  const reasons: string[] = [];
  if (set.leadTimeSeconds < limits.jwksCacheSeconds) {
    patch.leadTimeSeconds = limits.jwksCacheSeconds;
    reasons.push(`leadTimeSeconds ${set.leadTimeSeconds} raised to JWKS_CACHE_SECONDS ${limits.jwksCacheSeconds}`);
  }
  const lead = patch.leadTimeSeconds ?? set.leadTimeSeconds;
  if (set.rotationPeriodSeconds < lead) {
    patch.rotationPeriodSeconds = lead;
    reasons.push(`rotationPeriodSeconds ${set.rotationPeriodSeconds} raised to the lead time ${lead}`);
  }
  const minimum = minimumRetireWindow(limits);
  if (set.retireWindowSeconds < minimum) {
    patch.retireWindowSeconds = minimum;
    reasons.push(
      `retireWindowSeconds ${set.retireWindowSeconds} raised to MAX_TOKEN_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS = ${limits.maxTokenLifetimeSeconds} + ${limits.clockSkewSeconds} = ${minimum}`,
    );
  }
  return { patch, reasons };
}

/**
 * At boot, checks every stored policy against the limits configured now (they are checked on
 * create and change only, and the configuration may have changed since). A policy that falls
 * short is raised to the new minimum, as a policy change by the scheduler audited as
 * `key-set.policy-raised`: the pending key's activation moves as for any policy change, and
 * keys already retiring keep the window they were given.
 */
@Injectable()
export class EnforcePolicyLimits {
  constructor(
    private readonly keys: KeySetsRepository,
    private readonly changePolicy: ChangeKeySetPolicy,
    @Inject(KEYS_OPTIONS) private readonly options: KeysOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Resolves with the ids of the sets it raised. */
  async execute(): Promise<string[]> {
    const raised: string[] = [];
    for (const set of await this.keys.listSets()) {
      const { patch, reasons } = raiseToLimits(set, this.options.limits);
      if (reasons.length === 0) continue;
      await this.changePolicy.execute(set, patch, SCHEDULER, reasons);
      this.logger.warn({ keySetId: set.id, tenantId: set.tenantId, reasons }, 'stored key-set policy was below the configured limits; raised');
      raised.push(set.id);
    }
    return raised;
  }
}

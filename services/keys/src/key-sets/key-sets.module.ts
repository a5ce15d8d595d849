import { Module } from '@nestjs/common';
import { ChangeKeySetPolicy } from './change-key-set-policy.use-case';
import { CreateKeySet } from './create-key-set.use-case';
import { EnforcePolicyLimits } from './enforce-policy-limits.use-case';
import { EnsureDefaultKeySets } from './ensure-default-key-sets.use-case';
import { KeySetLookup } from './key-set.lookup';
import { KeySetsController } from './key-sets.controller';

@Module({
  controllers: [KeySetsController],
  providers: [CreateKeySet, ChangeKeySetPolicy, EnsureDefaultKeySets, EnforcePolicyLimits, KeySetLookup],
  exports: [EnsureDefaultKeySets, EnforcePolicyLimits, KeySetLookup],
})
export class KeySetsModule {}

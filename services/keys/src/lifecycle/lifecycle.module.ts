import { Module } from '@nestjs/common';
import { KeySetsModule } from '../key-sets/key-sets.module';
import { MasterKeyModule } from '../master-key/master-key.module';
import { RepublishKeyStates } from '../publication/republish-key-states.use-case';
import { KeyLifecycleController } from './key-lifecycle.controller';
import { KeyScheduleMetrics } from './key-schedule.metrics';
import { RevokeKey } from './revoke-key.use-case';
import { RotateKeySet } from './rotate-key-set.use-case';
import { RotationScheduler } from './rotation.scheduler';
import { RunRotationTick } from './run-rotation-tick.use-case';

@Module({
  imports: [KeySetsModule, MasterKeyModule],
  controllers: [KeyLifecycleController],
  providers: [RunRotationTick, RotationScheduler, RotateKeySet, RevokeKey, RepublishKeyStates, KeyScheduleMetrics],
  exports: [RotationScheduler],
})
export class LifecycleModule {}

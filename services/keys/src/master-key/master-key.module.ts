import { Module } from '@nestjs/common';
import { MasterKeyController } from './master-key.controller';
import { RotateMasterKey } from './rotate-master-key.use-case';
import { StoredKeysCheck } from './stored-keys.check';

@Module({
  controllers: [MasterKeyController],
  providers: [RotateMasterKey, StoredKeysCheck],
  exports: [StoredKeysCheck],
})
export class MasterKeyModule {}

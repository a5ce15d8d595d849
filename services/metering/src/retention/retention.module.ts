import { Module } from '@nestjs/common';
import { QuotasModule } from '../quotas/quotas.module';
import { PartitionManager } from './partition-manager';
import { RetentionService } from './retention.service';

@Module({
  imports: [QuotasModule],
  providers: [PartitionManager, RetentionService],
  exports: [PartitionManager, RetentionService],
})
export class RetentionModule {}

import { Module } from '@nestjs/common';
import { DirectoryModule } from '../directory/directory.module';
import { QuotaRepository } from './quota.repository';
import { QuotaReconciler } from './quota-reconciler';
import { QuotaStatePublisher } from './quota-state.publisher';

@Module({
  imports: [DirectoryModule],
  providers: [QuotaRepository, QuotaStatePublisher, QuotaReconciler],
  exports: [QuotaRepository, QuotaStatePublisher, QuotaReconciler],
})
export class QuotasModule {}

import { Module } from '@nestjs/common';
import { QuotasModule } from '../quotas/quotas.module';
import { RetentionModule } from '../retention/retention.module';
import { IngestPipeline } from './ingest-pipeline';
import { DeadLetterPublisher } from './dead-letter.publisher';
import { UsageCountRepository } from './usage-count.repository';
import { UsageIngestConsumer } from './usage-ingest.consumer';
import { UsageIngestService } from './usage-ingest.service';

@Module({
  imports: [QuotasModule, RetentionModule],
  providers: [UsageCountRepository, DeadLetterPublisher, UsageIngestService, IngestPipeline, UsageIngestConsumer],
  exports: [UsageIngestService, UsageIngestConsumer],
})
export class IngestModule {}

import { Module } from '@nestjs/common';
import { DirectoryModule } from '../directory/directory.module';
import { UsageAccess } from './usage-access';
import { UsageController } from './usage.controller';
import { UsageQueryService } from './usage-query.service';
import { UsageRepository } from './usage.repository';

@Module({
  imports: [DirectoryModule],
  controllers: [UsageController],
  providers: [UsageRepository, UsageAccess, UsageQueryService],
})
export class UsageModule {}

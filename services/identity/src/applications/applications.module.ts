import { Global, Module } from '@nestjs/common';
import { ApplicationLifecycleService } from './application-lifecycle.service';
import { ApplicationsController } from './applications.controller';
import { ApplicationsRepository } from './applications.repository';
import { ApplicationsService } from './applications.service';

@Global()
@Module({
  controllers: [ApplicationsController],
  providers: [ApplicationsRepository, ApplicationsService, ApplicationLifecycleService],
  exports: [ApplicationsRepository, ApplicationsService],
})
export class ApplicationsModule {}

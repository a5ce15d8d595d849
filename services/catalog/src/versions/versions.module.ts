import { Module } from '@nestjs/common';
import { CreateVersionUseCase } from './create-version.use-case';
import { DeleteVersionUseCase } from './delete-version.use-case';
import { DeprecateVersionUseCase } from './deprecate-version.use-case';
import { DiffVersionsQuery } from './diff-versions.query';
import { PublishVersionUseCase } from './publish-version.use-case';
import { RetireVersionUseCase } from './retire-version.use-case';
import { UpdateVersionUseCase } from './update-version.use-case';
import { VersionDocumentService } from './version-document.service';
import { VersionTransitions } from './version-transitions';
import { VersionsController } from './versions.controller';

@Module({
  controllers: [VersionsController],
  providers: [
    VersionDocumentService,
    VersionTransitions,
    CreateVersionUseCase,
    UpdateVersionUseCase,
    DeleteVersionUseCase,
    PublishVersionUseCase,
    DeprecateVersionUseCase,
    RetireVersionUseCase,
    DiffVersionsQuery,
  ],
})
export class VersionsModule {}

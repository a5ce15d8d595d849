import { Module } from '@nestjs/common';
import { ApisController } from './apis.controller';
import { CreateApiUseCase } from './create-api.use-case';
import { DeleteApiUseCase } from './delete-api.use-case';
import { UpdateApiUseCase } from './update-api.use-case';

@Module({
  controllers: [ApisController],
  providers: [CreateApiUseCase, UpdateApiUseCase, DeleteApiUseCase],
})
export class ApisModule {}

import { Global, Module } from '@nestjs/common';
import { ClientRegistry } from './client-registry';
import { CredentialsController } from './credentials.controller';
import { CredentialsRepository } from './credentials.repository';
import { CredentialsService } from './credentials.service';

@Global()
@Module({
  controllers: [CredentialsController],
  providers: [CredentialsRepository, ClientRegistry, CredentialsService],
  exports: [CredentialsRepository, ClientRegistry],
})
export class CredentialsModule {}

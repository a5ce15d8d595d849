import { Global, Module } from '@nestjs/common';
import { AccessTokenIssuer } from './access-token.issuer';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { RefreshTokensService } from './refresh-tokens.service';
import { RevocationsService } from './revocations.service';

@Global()
@Module({
  providers: [AccessTokenIssuer, RevocationsService, RefreshTokensRepository, RefreshTokensService],
  exports: [AccessTokenIssuer, RevocationsService, RefreshTokensRepository, RefreshTokensService],
})
export class TokensModule {}

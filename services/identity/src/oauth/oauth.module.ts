import { Inject, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';
import type { Logger } from '@gatehouse/observability';
import { LOGGER } from '@gatehouse/platform';
import { Clock } from '../common/clock';
import type { IdentityConfig } from '../config/identity-config';
import { IDENTITY_CONFIG } from '../core/identity-core.module';
import { AttemptLimiter } from './attempt-limiter';
import { ClientAssertionVerifier } from './client-assertion.verifier';
import { ATTEMPT_LIMITER, ClientAuthenticator } from './client-authenticator';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { MemberSessions } from './grants/member-sessions';
import { PasswordGrant } from './grants/password.grant';
import { RefreshTokenGrant } from './grants/refresh-token.grant';
import { TokenExchangeGrant } from './grants/token-exchange.grant';
import { IntrospectionService } from './introspection.service';
import { MetadataController } from './metadata.controller';
import { OAuthExceptionFilter } from './oauth-exception.filter';
import { TokenRevocationService } from './revocation.service';
import { TokenController } from './token.controller';
import { TokenEndpoint } from './token-endpoint.service';
import { TokenFastPath } from './token-fast-path';
import { TokenMetrics } from './token-metrics';

@Module({
  controllers: [TokenController, MetadataController],
  providers: [
    {
      provide: ATTEMPT_LIMITER,
      inject: [IDENTITY_CONFIG, Clock],
      useFactory: (config: IdentityConfig, clock: Clock) =>
        new AttemptLimiter(
          { perSubject: config.AUTH_FAILURES_PER_CLIENT, perAddress: config.AUTH_FAILURES_PER_ADDRESS, windowMs: config.AUTH_FAILURE_WINDOW_SECONDS * 1000 },
          () => clock.now(),
        ),
    },
    ClientAssertionVerifier,
    ClientAuthenticator,
    ClientCredentialsGrant,
    MemberSessions,
    PasswordGrant,
    RefreshTokenGrant,
    TokenExchangeGrant,
    IntrospectionService,
    TokenRevocationService,
    TokenEndpoint,
    TokenFastPath,
    TokenMetrics,
  ],
})
export class OAuthModule implements NestModule {
  constructor(
    private readonly applicationConfig: ApplicationConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Runs at init, after the platform registered its global filter, so this one is consulted
   * first, including for body-parser failures that happen before any route.
   */
  configure(_consumer: MiddlewareConsumer): void {
    this.applicationConfig.useGlobalFilters(new OAuthExceptionFilter(this.logger));
  }
}

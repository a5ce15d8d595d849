import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from '@gatehouse/observability';
import { PlatformModule } from '@gatehouse/platform';
import { identityAdminAuth } from './admin-auth/admin-auth.module';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { ApiKey } from './api-keys/entities/api-key.entity';
import { ApplicationsModule } from './applications/applications.module';
import { Application } from './applications/entities/application.entity';
import { BootstrapModule } from './bootstrap/bootstrap.module';
import { Clock } from './common/clock';
import type { IdentityConfig } from './config/identity-config';
import { resolveIdentitySecrets } from './config/identity-secrets';
import { IdentityCoreModule } from './core/identity-core.module';
import { CredentialsModule } from './credentials/credentials.module';
import { ClientAssertion } from './credentials/entities/client-assertion.entity';
import { Credential } from './credentials/entities/credential.entity';
import { Member } from './members/entities/member.entity';
import { MembersModule } from './members/members.module';
import { CreateIdentityTables1736000000000 } from './migrations/1736000000000-create-identity-tables';
import { OAuthModule } from './oauth/oauth.module';
import { StateModule } from './state/state.module';
import { TeamMembership } from './teams/entities/team-membership.entity';
import { Team } from './teams/entities/team.entity';
import { TeamsModule } from './teams/teams.module';
import { Tenant } from './tenants/entities/tenant.entity';
import { TenantsModule } from './tenants/tenants.module';
import { RefreshToken } from './tokens/entities/refresh-token.entity';
import { TokensModule } from './tokens/tokens.module';

export const identityEntities = [Tenant, Team, TeamMembership, Member, Application, Credential, ClientAssertion, ApiKey, RefreshToken];
export const identityMigrations = [CreateIdentityTables1736000000000];

export interface IdentityAppOptions {
  config: IdentityConfig;
  logger: Logger;
  /** Time source; tests pass a ManualClock. */
  clock?: Clock;
}

@Module({})
export class AppModule {
  static forRoot(options: IdentityAppOptions): DynamicModule {
    const secrets = resolveIdentitySecrets(options.config, options.logger);
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ service: 'identity', config: options.config, entities: identityEntities, migrations: identityMigrations, logger: options.logger }),
        IdentityCoreModule.forRoot(options.config, secrets, options.clock ?? new Clock()),
        StateModule,
        identityAdminAuth(secrets),
        TokensModule,
        TenantsModule,
        TeamsModule,
        MembersModule,
        ApplicationsModule,
        CredentialsModule,
        ApiKeysModule,
        OAuthModule,
        BootstrapModule,
      ],
    };
  }
}

import { type DynamicModule, Module } from '@nestjs/common';
import { AdminAuthModule } from '@gatehouse/auth';
import { type BaseConfig, ConfigError } from '@gatehouse/config';
import { createLogger, type Logger } from '@gatehouse/observability';
import { PlatformModule } from '@gatehouse/platform';
import type { KeyVault } from '@gatehouse/vault';
import type { z } from 'zod';
import { AiModule } from './ai/ai.module';
import { loadAiSecrets } from './ai/common/ai-secrets';
import { AiModelEntity } from './ai/models/ai-model.entity';
import { AiPolicyEntity } from './ai/policies/ai-policy.entity';
import { AiProviderEntity } from './ai/providers/ai-provider.entity';
import { ApisModule } from './apis/apis.module';
import { ApiEntity } from './apis/entities/api.entity';
import type { catalogConfigSchema } from './catalog.config';
import { CatalogCoreModule } from './common/catalog-core.module';
import { type Clock, SystemClock } from './common/clock';
import { DirectoryModule } from './directory/directory.module';
import { ApplicationEntity } from './directory/entities/application.entity';
import { TeamEntity } from './directory/entities/team.entity';
import { CreateCatalogTables1737000000000 } from './migrations/1737000000000-create-catalog-tables';
import { CreateAiTables1738000000000 } from './migrations/1738000000000-create-ai-tables';
import { PlanEntity } from './plans/entities/plan.entity';
import { PlansModule } from './plans/plans.module';
import { SubscriptionEntity } from './subscriptions/entities/subscription.entity';
import { SubscriptionsModule } from './subscriptions/subscriptions.module';
import { ApiVersionEntity } from './versions/entities/api-version.entity';
import { RouteEntity } from './versions/entities/route.entity';
import { VersionsModule } from './versions/versions.module';

export type CatalogConfig = BaseConfig & z.infer<z.ZodObject<typeof catalogConfigSchema>>;

export interface CatalogModuleOptions {
  logger?: Logger;
  clock?: Clock;
  /** Replaces the local master-key vault of AI provider credentials (an HSM or KMS adapter). */
  vault?: KeyVault;
}

export const catalogEntities = [TeamEntity, ApplicationEntity, ApiEntity, ApiVersionEntity, RouteEntity, PlanEntity, SubscriptionEntity, AiProviderEntity, AiModelEntity, AiPolicyEntity];
export const catalogMigrations = [CreateCatalogTables1737000000000, CreateAiTables1738000000000];

/** The catalog service: APIs (http, ai, prompt), versions, routes, plans, subscriptions and the AI catalog, with their events. */
@Module({})
export class CatalogAppModule {
  static forRoot(config: CatalogConfig, options: CatalogModuleOptions = {}): DynamicModule {
    if (config.NODE_ENV !== 'development' && !config.ADMIN_BOOTSTRAP_TOKEN) {
      throw new ConfigError(['ADMIN_BOOTSTRAP_TOKEN is required outside development (NODE_ENV is ' + config.NODE_ENV + ')']);
    }
    const logger = options.logger ?? createLogger({ service: 'catalog', level: config.LOG_LEVEL });
    const secrets = loadAiSecrets(config, options.vault);
    for (const warning of secrets.warnings) logger.warn(warning);
    const prefix = config.KAFKA_TOPIC_PREFIX;
    const instance = config.INSTANCE_ID ?? 'catalog';
    return {
      module: CatalogAppModule,
      imports: [
        PlatformModule.forRoot({ service: 'catalog', config, entities: catalogEntities, migrations: catalogMigrations, logger }),
        CatalogCoreModule.forRoot({
          clock: options.clock ?? new SystemClock(),
          settings: { openapiMaxBytes: config.OPENAPI_MAX_BYTES, routeDefaultMaxBodyBytes: config.ROUTE_DEFAULT_MAX_BODY_BYTES },
        }),
        AdminAuthModule.fromStateTopics({
          issuer: config.TOKEN_ISSUER,
          bootstrapToken: config.ADMIN_BOOTSTRAP_TOKEN ?? null,
          clockSkewSeconds: config.CLOCK_SKEW_SECONDS,
          prefix,
          groupId: `${prefix}gatehouse-catalog-admin-keys-${instance}`,
        }),
        DirectoryModule.forRoot({ prefix, groupId: `${prefix}gatehouse-catalog-directory` }),
        ApisModule,
        VersionsModule,
        PlansModule,
        SubscriptionsModule,
        AiModule.forRoot({ vault: secrets.vault, transport: secrets.transport }),
      ],
    };
  }
}

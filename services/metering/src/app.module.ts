import { type DynamicModule, Module } from '@nestjs/common';
import { AdminAuthModule } from '@gatehouse/auth';
import type { BaseConfig } from '@gatehouse/config';
import type { Logger } from '@gatehouse/observability';
import { PlatformModule } from '@gatehouse/platform';
import type { Registry } from 'prom-client';
import type { z } from 'zod';
import { type Clock, SystemClock } from './clock/clock';
import { DirectoryModule } from './directory/directory.module';
import { IngestModule } from './ingest/ingest.module';
import { type MeteringConfigShape, meteringSettings } from './metering.config';
import { MeteringCoreModule } from './metering-core.module';
import { CreateMeteringTables1760000000000 } from './migrations/1760000000000-create-metering-tables';
import { QuotasModule } from './quotas/quotas.module';
import { RetentionModule } from './retention/retention.module';
import { UsageModule } from './usage/usage.module';

export type MeteringConfig = BaseConfig & z.infer<z.ZodObject<MeteringConfigShape>>;

export interface MeteringAppOptions {
  config: MeteringConfig;
  logger: Logger;
  registry?: Registry;
  /** Tests drive periods and lateness with their own clock. */
  clock?: Clock;
}

@Module({})
export class AppModule {
  static forRoot(options: MeteringAppOptions): DynamicModule {
    const { config } = options;
    const settings = meteringSettings(config);
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          service: 'metering',
          config,
          entities: [],
          migrations: [CreateMeteringTables1760000000000],
          logger: options.logger,
          ...(options.registry ? { registry: options.registry } : {}),
        }),
        MeteringCoreModule.forRoot(settings, options.clock ?? new SystemClock()),
        AdminAuthModule.fromStateTopics({
          issuer: config.TOKEN_ISSUER,
          bootstrapToken: config.ADMIN_BOOTSTRAP_TOKEN ?? null,
          prefix: config.KAFKA_TOPIC_PREFIX,
          groupId: `${settings.consumerGroup}.admin-auth`,
        }),
        DirectoryModule,
        QuotasModule,
        RetentionModule,
        IngestModule,
        UsageModule,
      ],
    };
  }
}

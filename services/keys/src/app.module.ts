import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from '@gatehouse/observability';
import { PlatformModule } from '@gatehouse/platform';
import type { Registry } from 'prom-client';
import { keysAdminAuth } from './admin-auth/admin-auth.module';
import { AuditModule } from './audit/audit.module';
import { AuditEntryEntity } from './audit/entities/audit-entry.entity';
import type { Clock } from './clock/clock';
import { JwksModule } from './jwks/jwks.module';
import { KeyEntity } from './key-sets/entities/key.entity';
import { KeySetEntity } from './key-sets/entities/key-set.entity';
import { KeySetsModule } from './key-sets/key-sets.module';
import { KeysCoreModule } from './keys-core.module';
import type { KeysConfig } from './keys.config';
import type { KeyGenerator } from './lifecycle/key-generator';
import { LifecycleModule } from './lifecycle/lifecycle.module';
import { MasterKeyModule } from './master-key/master-key.module';
import { CreateKeysTables1736000000000 } from './migrations/1736000000000-create-keys-tables';
import { KeysReadiness } from './keys.readiness';
import type { KeyVault } from '@gatehouse/vault';

export interface KeysAppOptions {
  config: KeysConfig;
  logger: Logger;
  registry?: Registry;
  /** Tests drive the lifecycle with their own clock. */
  clock?: Clock;
  vault?: KeyVault;
  keyGenerator?: KeyGenerator;
}

@Module({})
export class AppModule {
  static forRoot(options: KeysAppOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          service: 'keys',
          config: options.config,
          entities: [KeySetEntity, KeyEntity, AuditEntryEntity],
          migrations: [CreateKeysTables1736000000000],
          logger: options.logger,
          ...(options.registry ? { registry: options.registry } : {}),
        }),
        KeysCoreModule.forRoot(options),
        keysAdminAuth(options.config),
        KeySetsModule,
        LifecycleModule,
        JwksModule,
        AuditModule,
        MasterKeyModule,
      ],
      providers: [KeysReadiness],
    };
  }
}

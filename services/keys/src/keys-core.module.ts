import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from '@gatehouse/observability';
import { KeyVault, LocalMasterKeyVault, loadMasterKeys } from '@gatehouse/vault';
import { AuditRepository } from './audit/audit.repository';
import { KeyChangeListener } from './changes/key-change.listener';
import { Clock, SystemClock } from './clock/clock';
import { KeySetsRepository } from './key-sets/key-sets.repository';
import type { KeysConfig } from './keys.config';
import { KEYS_OPTIONS, type KeysOptions } from './keys.options';
import { KeyGenerator } from './lifecycle/key-generator';
import { KeyMaterialService } from './lifecycle/key-material.service';
import { KeyTransitions } from './lifecycle/key-transitions.service';
import { SetLifecycle } from './lifecycle/set-lifecycle.service';
import { KeyEventsOutbox } from './publication/key-events.outbox';
import { loadTransportSecrets } from './publication/transport-secrets';
import { TransportSecrets } from './publication/transport-secrets';

export interface KeysCoreOptions {
  config: KeysConfig;
  logger: Logger;
  clock?: Clock;
  /** Replaces the local master-key vault (an HSM or KMS adapter). */
  vault?: KeyVault;
  keyGenerator?: KeyGenerator;
}

/**
 * What every feature of the keys service shares: settings, clock, key vault, transport
 * secrets, repositories, the transition engine and the change listener. Secrets are loaded
 * here, synchronously, so a missing one stops the boot with the variable's name.
 */
@Global()
@Module({})
export class KeysCoreModule {
  static forRoot(options: KeysCoreOptions): DynamicModule {
    const { config, logger } = options;
    const vault = options.vault ?? KeysCoreModule.localVault(config, logger);
    const transport = loadTransportSecrets(config);
    for (const warning of transport.warnings) logger.warn(warning);
    if (!config.ADMIN_BOOTSTRAP_TOKEN && config.NODE_ENV === 'production') {
      throw new Error('ADMIN_BOOTSTRAP_TOKEN is required in production: without it nobody could administer the key sets before identity issues member tokens');
    }
    const keysOptions: KeysOptions = {
      limits: { jwksCacheSeconds: config.JWKS_CACHE_SECONDS, maxTokenLifetimeSeconds: config.MAX_TOKEN_LIFETIME_SECONDS, clockSkewSeconds: config.CLOCK_SKEW_SECONDS },
      defaultRotationSeconds: config.KEYS_DEFAULT_ROTATION_SECONDS,
      destroyAfterSeconds: config.KEYS_DESTROY_AFTER_SECONDS,
      schedulerIntervalMs: config.KEYS_SCHEDULER_INTERVAL_MS,
    };
    const shared = [KEYS_OPTIONS, Clock, KeyVault, KeyGenerator, TransportSecrets, KeySetsRepository, AuditRepository, KeyChangeListener, KeyEventsOutbox, KeyMaterialService, KeyTransitions, SetLifecycle];
    return {
      module: KeysCoreModule,
      providers: [
        { provide: KEYS_OPTIONS, useValue: keysOptions },
        { provide: Clock, useValue: options.clock ?? new SystemClock() },
        { provide: KeyVault, useValue: vault },
        { provide: KeyGenerator, useValue: options.keyGenerator ?? new KeyGenerator() },
        { provide: TransportSecrets, useValue: transport.secrets },
        KeySetsRepository,
        AuditRepository,
        KeyChangeListener,
        KeyEventsOutbox,
        KeyMaterialService,
        KeyTransitions,
        SetLifecycle,
      ],
      exports: shared,
    };
  }

  private static localVault(config: KeysConfig, logger: Logger): KeyVault {
    const loaded = loadMasterKeys(
      { NODE_ENV: config.NODE_ENV, GATEHOUSE_DEV_SECRET: config.GATEHOUSE_DEV_SECRET, value: config.KEYS_MASTER_KEY, file: config.KEYS_MASTER_KEY_FILE },
      { variable: 'KEYS_MASTER_KEY', service: 'keys', protects: 'store private keys' },
    );
    if (loaded.warning) logger.warn(loaded.warning);
    return new LocalMasterKeyVault(loaded.keys);
  }
}

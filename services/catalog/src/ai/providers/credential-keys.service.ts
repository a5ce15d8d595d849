import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from '@gatehouse/observability';
import { LOGGER } from '@gatehouse/platform';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock';
import { ProviderCredentials } from './provider-credentials.service';
import { ProviderStatePublisher } from './provider-state.publisher';
import { ProvidersRepository } from './providers.repository';

/**
 * The master keys and transport secret behind stored credentials. At boot it refuses to run
 * with a vault that cannot open every stored credential (a master key removed too early),
 * and republishes the providers last wrapped for the gateway under another transport secret.
 */
@Injectable()
export class CredentialKeys implements OnApplicationBootstrap {
  constructor(
    private readonly dataSource: DataSource,
    private readonly providers: ProvidersRepository,
    private readonly credentials: ProviderCredentials,
    private readonly publisher: ProviderStatePublisher,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.assertReadable();
    const republished = await this.republishForCurrentTransport();
    if (republished > 0) this.logger.info({ providers: republished, transportSecret: this.credentials.transportSecretId }, 'AI provider credentials re-wrapped for the current gateway transport secret');
  }

  async assertReadable(): Promise<void> {
    const missing = (await this.providers.masterKeyUsage()).filter((usage) => !this.credentials.canOpen(usage.masterKeyId));
    if (missing.length > 0) {
      const list = missing.map((usage) => `"${usage.masterKeyId}" (${usage.credentials} credential${usage.credentials === 1 ? '' : 's'})`).join(', ');
      throw new Error(`AI provider credentials are wrapped under master key ${list}, which CATALOG_MASTER_KEY does not hold; add it back (after the current key) and rotate the master key`);
    }
  }

  usage() {
    return this.providers.masterKeyUsage();
  }

  /** Re-wraps every credential under the vault's current master key, in one transaction. */
  async rotate(): Promise<{ masterKeyId: string; rewrapped: number }> {
    const masterKeyId = this.credentials.masterKeyId;
    const rewrapped = await this.dataSource.transaction(async (manager) => {
      const stale = await this.providers.lockWrappedUnderOther(masterKeyId, manager);
      for (const provider of stale) {
        const sealed = await this.credentials.reseal(provider);
        Object.assign(provider, { credentialCiphertext: sealed.ciphertext, credentialKeyId: sealed.keyId });
        await this.providers.save(provider, manager);
      }
      return stale.length;
    });
    return { masterKeyId, rewrapped };
  }

  private republishForCurrentTransport(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const stale = await this.providers.publishedUnderOther(this.credentials.transportSecretId, manager);
      for (const provider of stale) {
        provider.updatedAt = this.clock.now();
        await this.publisher.saveAndPublish(manager, provider);
      }
      return stale.length;
    });
  }
}

import { Injectable } from '@nestjs/common';
import { AiProviderStateV1 } from '@gatehouse/contracts';
import type { EntityManager } from 'typeorm';
import { CatalogOutbox } from '../../events/catalog-outbox';
import { providerState } from '../common/ai-state';
import type { AiProviderEntity } from './ai-provider.entity';
import { ProviderCredentials } from './provider-credentials.service';
import { ProvidersRepository } from './providers.repository';

/** Saves a provider and stages its state, credential wrapped for the gateway, in the caller's transaction. */
@Injectable()
export class ProviderStatePublisher {
  constructor(
    private readonly providers: ProvidersRepository,
    private readonly credentials: ProviderCredentials,
    private readonly outbox: CatalogOutbox,
  ) {}

  async saveAndPublish(manager: EntityManager, provider: AiProviderEntity): Promise<AiProviderEntity> {
    const wrapped = await this.credentials.forGateway(provider);
    provider.transportSecretId = wrapped ? this.credentials.transportSecretId : null;
    await this.providers.save(provider, manager);
    await this.outbox.add(manager, AiProviderStateV1, providerState(provider, wrapped));
    return provider;
  }

  async tombstone(manager: EntityManager, providerId: string): Promise<void> {
    await this.outbox.tombstone(manager, AiProviderStateV1, `provider:${providerId}`);
  }
}

import { Injectable } from '@nestjs/common';
import { SubscriptionChangedV1, SubscriptionStateV1 } from '@gatehouse/contracts';
import type { EntityManager } from 'typeorm';
import type { ApiEntity } from '../apis/entities/api.entity';
import { CatalogOutbox } from '../events/catalog-outbox';
import { subscriptionState } from '../events/state-payloads';
import type { SubscriptionEntity, SubscriptionStatus } from './entities/subscription.entity';

/** Every subscription change: the change event and the full state, staged together. */
@Injectable()
export class SubscriptionEvents {
  constructor(private readonly outbox: CatalogOutbox) {}

  async changed(manager: EntityManager, subscription: SubscriptionEntity, api: ApiEntity, from: SubscriptionStatus | null, by: string, at: Date): Promise<void> {
    const state = subscriptionState(subscription, api);
    const { updatedAt: _updatedAt, ...fields } = state;
    await this.outbox.add(manager, SubscriptionChangedV1, { ...fields, from, by, at: at.toISOString() });
    await this.outbox.add(manager, SubscriptionStateV1, state);
  }
}

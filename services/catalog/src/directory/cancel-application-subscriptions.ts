import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ApisRepository } from '../apis/apis.repository';
import { SubscriptionEvents } from '../subscriptions/subscription-events';
import { SubscriptionsRepository } from '../subscriptions/subscriptions.repository';

export const IDENTITY_ACTOR = 'identity';

/** A deleted application's pending and approved subscriptions end as `cancelled`, with their events. */
@Injectable()
export class CancelApplicationSubscriptions {
  constructor(
    private readonly apis: ApisRepository,
    private readonly subscriptions: SubscriptionsRepository,
    private readonly events: SubscriptionEvents,
  ) {}

  async execute(manager: EntityManager, applicationId: string, at: Date): Promise<number> {
    const open = await this.subscriptions.activeOfApplication(applicationId, manager);
    for (const subscription of open) {
      const api = await this.apis.findById(subscription.apiId, manager);
      if (!api) continue;
      const from = subscription.status;
      Object.assign(subscription, { status: 'cancelled', reason: 'application deleted', updatedAt: at });
      await this.subscriptions.save(subscription, manager);
      await this.events.changed(manager, subscription, api, from, IDENTITY_ACTOR, at);
    }
    return open.length;
  }
}

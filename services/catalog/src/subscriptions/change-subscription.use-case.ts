import { Injectable } from '@nestjs/common';
import { type AdminPrincipal, canAdministerTeam } from '@gatehouse/auth';
import { forbidden, notFound } from '@gatehouse/platform';
import { DataSource } from 'typeorm';
import { ApisRepository } from '../apis/apis.repository';
import type { ApiEntity } from '../apis/entities/api.entity';
import { actorOf, isApiTeamMember, MANAGE_ROLE } from '../common/access';
import { Clock } from '../common/clock';
import type { SubscriptionEntity } from './entities/subscription.entity';
import { SUBSCRIBER_ROLE } from './subscribe.use-case';
import { type SubscriptionAction, subscriptionMoves, nextStatus } from './subscription-rules';
import { SubscriptionEvents } from './subscription-events';
import { SubscriptionsRepository } from './subscriptions.repository';

/** Members of the application's team (in the application's tenant) see its subscriptions. */
export function isSubscriberMember(principal: AdminPrincipal, subscription: SubscriptionEntity): boolean {
  return principal.platformAdmin || (principal.tenantId === subscription.applicationTenantId && principal.teams.has(subscription.applicationTeamId));
}

/** The subscription when the principal sits on either side of it; 404 otherwise. */
export function visibleSubscription(principal: AdminPrincipal, subscription: SubscriptionEntity | null, api: ApiEntity | null, id: string): SubscriptionEntity {
  if (!subscription || !api || !(isApiTeamMember(principal, api) || isSubscriberMember(principal, subscription))) throw notFound('subscription', id);
  return subscription;
}

@Injectable()
export class ChangeSubscriptionUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly apis: ApisRepository,
    private readonly subscriptions: SubscriptionsRepository,
    private readonly events: SubscriptionEvents,
    private readonly clock: Clock,
  ) {}

  execute(principal: AdminPrincipal, subscriptionId: string, action: SubscriptionAction, reason: string | undefined): Promise<SubscriptionEntity> {
    return this.dataSource.transaction(async (manager) => {
      const found = await this.subscriptions.lockById(subscriptionId, manager);
      const api = found ? await this.apis.findById(found.apiId, manager) : null;
      const subscription = visibleSubscription(principal, found, api, subscriptionId);
      const side = subscriptionMoves[action].side;
      if (side === 'owner' && !canAdministerTeam(principal, api!.teamId, MANAGE_ROLE)) {
        throw forbidden(`only the team owning API ${api!.id} (role ${MANAGE_ROLE} or higher in team ${api!.teamId}) can ${action} its subscriptions`);
      }
      if (side === 'subscriber' && !(isSubscriberMember(principal, subscription) && canAdministerTeam(principal, subscription.applicationTeamId, SUBSCRIBER_ROLE))) {
        throw forbidden(`only the team owning application ${subscription.applicationId} (role ${SUBSCRIBER_ROLE} or higher) can cancel its subscription`);
      }
      const from = subscription.status;
      const to = nextStatus(from, action);
      const now = this.clock.now();
      const by = actorOf(principal);
      Object.assign(subscription, { status: to, decidedBy: side === 'owner' ? by : subscription.decidedBy, reason: reason ?? null, updatedAt: now });
      await this.subscriptions.save(subscription, manager);
      await this.events.changed(manager, subscription, api!, from, by, now);
      return subscription;
    });
  }
}

import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '@gatehouse/auth';
import { ApiChangedV1, ApiStateV1, PlanStateV1, SubscriptionChangedV1, SubscriptionStateV1 } from '@gatehouse/contracts';
import { conflict } from '@gatehouse/platform';
import { DataSource } from 'typeorm';
import { actorOf, MANAGE_ROLE, manageableApi } from '../common/access';
import { Clock } from '../common/clock';
import { CatalogOutbox } from '../events/catalog-outbox';
import { subscriptionState } from '../events/state-payloads';
import { PlansRepository } from '../plans/plans.repository';
import { SubscriptionsRepository } from '../subscriptions/subscriptions.repository';
import { RoutePublisher } from '../versions/route-publisher';
import { VersionsRepository } from '../versions/versions.repository';
import { ApisRepository } from './apis.repository';

/**
 * Deletes an API once no version is routed live (published or deprecated): open
 * subscriptions are revoked, and the API, its routes, plans and subscriptions are
 * tombstoned on their compacted topics, all in the transaction that deletes the rows.
 */
@Injectable()
export class DeleteApiUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly apis: ApisRepository,
    private readonly versions: VersionsRepository,
    private readonly plans: PlansRepository,
    private readonly subscriptions: SubscriptionsRepository,
    private readonly routes: RoutePublisher,
    private readonly outbox: CatalogOutbox,
    private readonly clock: Clock,
  ) {}

  async execute(principal: AdminPrincipal, apiId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const api = manageableApi(principal, await this.apis.lockById(apiId, manager), apiId, MANAGE_ROLE);
      const versions = await this.versions.listOfApi(api.id, manager);
      const live = versions.filter((version) => version.state === 'published' || version.state === 'deprecated');
      if (live.length > 0) {
        throw conflict(`API ${api.id} still has routed versions (${live.map((version) => `${version.version}: ${version.state}`).join(', ')}); deprecate and retire them first`, {
          versions: live.map((version) => ({ version: version.version, state: version.state })),
        });
      }
      const now = this.clock.now();
      const by = actorOf(principal);
      for (const subscription of await this.subscriptions.ofApi(api.id, manager)) {
        if (subscription.status === 'pending' || subscription.status === 'approved') {
          const from = subscription.status;
          Object.assign(subscription, { status: 'revoked', decidedBy: by, reason: 'API deleted', updatedAt: now });
          await this.outbox.add(manager, SubscriptionChangedV1, { ...subscriptionState(subscription, api), from, by, at: now.toISOString() });
        }
        await this.outbox.tombstone(manager, SubscriptionStateV1, subscription.id);
      }
      const announced = new Set(versions.filter((version) => version.state !== 'draft').map((version) => version.id));
      await this.routes.tombstone(manager, (await this.versions.routesOfApi(api.id, manager)).filter((route) => announced.has(route.apiVersionId)));
      for (const plan of await this.plans.listOfApi(api.id, { includeArchived: true }, manager)) await this.outbox.tombstone(manager, PlanStateV1, plan.id);
      await this.outbox.tombstone(manager, ApiStateV1, api.id);
      await this.outbox.add(manager, ApiChangedV1, { apiId: api.id, tenantId: api.tenantId, teamId: api.teamId, name: api.name, change: 'deleted', by, at: now.toISOString() });
      await this.apis.delete(api.id, manager);
    });
  }
}

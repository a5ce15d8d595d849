import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '@gatehouse/auth';
import { ApiChangedV1, ApiStateV1, SubscriptionStateV1 } from '@gatehouse/contracts';
import { conflict } from '@gatehouse/platform';
import { DataSource } from 'typeorm';
import { actorOf, MANAGE_ROLE, manageableApi } from '../common/access';
import { Clock } from '../common/clock';
import { isUniqueViolation } from '../common/database-errors';
import { CatalogOutbox } from '../events/catalog-outbox';
import { apiState, subscriptionState } from '../events/state-payloads';
import { SubscriptionsRepository } from '../subscriptions/subscriptions.repository';
import { RoutePublisher } from '../versions/route-publisher';
import { ApisRepository } from './apis.repository';
import { assertAudienceAllowed } from './audience';
import type { UpdateApiInput } from './dto/api.dto';
import type { ApiEntity } from './entities/api.entity';

@Injectable()
export class UpdateApiUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly apis: ApisRepository,
    private readonly subscriptions: SubscriptionsRepository,
    private readonly routes: RoutePublisher,
    private readonly outbox: CatalogOutbox,
    private readonly clock: Clock,
  ) {}

  async execute(principal: AdminPrincipal, apiId: string, input: UpdateApiInput): Promise<ApiEntity> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const api = manageableApi(principal, await this.apis.lockById(apiId, manager), apiId, MANAGE_ROLE);
        const audienceChanged = input.audience !== undefined && input.audience !== api.audience;
        if (audienceChanged) {
          assertAudienceAllowed(input.audience!, api.tenantId);
          const holder = await this.apis.findByAudience(input.audience!, manager);
          if (holder) throw conflict(`audience ${input.audience} is already taken by another API`, { audience: input.audience });
        }
        const routed = ['name', 'audience', 'requireEncryptedTokens'].some((key) => (input as Record<string, unknown>)[key] !== undefined);
        const now = this.clock.now();
        Object.assign(api, {
          ...input,
          ...(input.tags ? { tags: [...new Set(input.tags)] } : {}),
          ...(input.scopes ? { scopes: [...new Set(input.scopes)] } : {}),
          updatedAt: now,
        });
        await this.apis.save(api, manager);
        await this.outbox.add(manager, ApiStateV1, apiState(api));
        await this.outbox.add(manager, ApiChangedV1, { apiId: api.id, tenantId: api.tenantId, teamId: api.teamId, name: api.name, change: 'updated', by: actorOf(principal), at: now.toISOString() });
        if (routed) await this.routes.publishApi(manager, api, now);
        if (audienceChanged) {
          for (const subscription of await this.subscriptions.ofApi(api.id, manager)) {
            subscription.updatedAt = now;
            await this.subscriptions.save(subscription, manager);
            await this.outbox.add(manager, SubscriptionStateV1, subscriptionState(subscription, api));
          }
        }
        return api;
      });
    } catch (error) {
      if (isUniqueViolation(error, 'apis_audience_uq')) throw conflict(`audience ${input.audience} is already taken by another API`, { audience: input.audience });
      throw error;
    }
  }
}

import { Injectable } from '@nestjs/common';
import { type AdminPrincipal, canAdministerTeam } from '@gatehouse/auth';
import { AppError, forbidden, notFound } from '@gatehouse/platform';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ApisRepository } from '../apis/apis.repository';
import type { ApiEntity } from '../apis/entities/api.entity';
import { actorOf, visibleApi } from '../common/access';
import { Clock } from '../common/clock';
import { isUniqueViolation } from '../common/database-errors';
import { DirectoryRepository } from '../directory/directory.repository';
import type { ApplicationEntity } from '../directory/entities/application.entity';
import { PlansRepository } from '../plans/plans.repository';
import { VersionsRepository } from '../versions/versions.repository';
import type { SubscribeInput } from './dto/subscription.dto';
import { SubscriptionEntity } from './entities/subscription.entity';
import { SubscriptionEvents } from './subscription-events';
import { SubscriptionsRepository } from './subscriptions.repository';

/** Role a member needs in the application's team to subscribe it or cancel its subscriptions. */
export const SUBSCRIBER_ROLE = 'admin';

/** The application may use the API: same team for team-only APIs, same tenant for tenant APIs, anyone for public ones. */
function applicationMaySee(application: ApplicationEntity, api: ApiEntity): boolean {
  if (api.visibility === 'public') return true;
  if (application.tenantId !== api.tenantId) return false;
  return api.visibility === 'tenant' || application.teamId === api.teamId;
}

@Injectable()
export class SubscribeUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly apis: ApisRepository,
    private readonly versions: VersionsRepository,
    private readonly plans: PlansRepository,
    private readonly subscriptions: SubscriptionsRepository,
    private readonly directory: DirectoryRepository,
    private readonly events: SubscriptionEvents,
    private readonly clock: Clock,
  ) {}

  async execute(principal: AdminPrincipal, apiId: string, input: SubscribeInput): Promise<SubscriptionEntity> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const api = visibleApi(principal, await this.apis.lockById(apiId, manager), apiId);
        const application = await this.directory.findApplication(input.applicationId, manager);
        if (!application || application.status === 'deleted' || (!principal.platformAdmin && application.tenantId !== principal.tenantId)) {
          throw notFound('application', input.applicationId);
        }
        if (!canAdministerTeam(principal, application.teamId, SUBSCRIBER_ROLE)) {
          throw forbidden(`subscribing application ${application.id} needs the ${SUBSCRIBER_ROLE} role (or higher) in its team ${application.teamId}`);
        }
        if (application.status !== 'active') throw new AppError(409, 'application_suspended', `application ${application.id} is ${application.status}`);
        if (!applicationMaySee(application, api)) {
          throw new AppError(403, 'forbidden', `API ${api.id} is visible to ${api.visibility === 'team' ? 'its own team' : 'its own tenant'} only; application ${application.id} cannot subscribe`);
        }
        const plan = await this.plans.findOfApi(api.id, input.planId, manager);
        if (!plan || plan.archivedAt) throw new AppError(400, 'unknown_plan', `plan ${input.planId} is not a plan of API ${api.id}`, { planId: input.planId });
        const offered = (await this.versions.listOfApi(api.id, manager)).filter((version) => version.state === 'published' && (version.planIds === null || version.planIds.includes(plan.id)));
        if (offered.length === 0) throw new AppError(409, 'plan_not_on_offer', `plan ${plan.name} is not on offer: no published version of API ${api.id} offers it`);
        const scopes = input.scopes ? [...new Set(input.scopes)] : api.scopes;
        const unknownScopes = scopes.filter((scope) => !api.scopes.includes(scope));
        if (unknownScopes.length > 0) throw new AppError(400, 'unknown_scope', `scope(s) ${unknownScopes.join(', ')} are not scopes of API ${api.id} (it offers: ${api.scopes.join(', ') || 'none'})`, { unknownScopes });
        const existing = await this.subscriptions.findActive(application.id, api.id, manager);
        if (existing) throw duplicate(application.id, api.id, existing);

        const now = this.clock.now();
        const by = actorOf(principal);
        const subscription = Object.assign(new SubscriptionEntity(), {
          id: randomUUID(),
          tenantId: api.tenantId,
          apiId: api.id,
          applicationId: application.id,
          applicationTenantId: application.tenantId,
          applicationTeamId: application.teamId,
          planId: plan.id,
          status: api.autoApprove ? 'approved' : 'pending',
          scopes,
          requestedBy: by,
          decidedBy: api.autoApprove ? 'auto-approve' : null,
          reason: null,
          createdAt: now,
          updatedAt: now,
        } satisfies Partial<SubscriptionEntity>);
        await this.subscriptions.save(subscription, manager);
        await this.events.changed(manager, subscription, api, null, by, now);
        return subscription;
      });
    } catch (error) {
      if (isUniqueViolation(error, 'subscriptions_active_uq')) throw duplicate(input.applicationId, apiId, null);
      throw error;
    }
  }
}

function duplicate(applicationId: string, apiId: string, existing: SubscriptionEntity | null): AppError {
  const which = existing ? ` (${existing.id}, ${existing.status})` : '';
  return new AppError(409, 'duplicate_subscription', `application ${applicationId} already has an active subscription${which} to API ${apiId}; cancel it first`, {
    ...(existing ? { subscriptionId: existing.id, status: existing.status } : {}),
  });
}

import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '@gatehouse/auth';
import { DataSource, type EntityManager, In } from 'typeorm';
import { isUuid } from '../apis/apis.repository';
import type { ListSubscriptionsInput } from './dto/subscription.dto';
import { SubscriptionEntity } from './entities/subscription.entity';

@Injectable()
export class SubscriptionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<SubscriptionEntity | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return manager.findOne(SubscriptionEntity, { where: { id } });
  }

  lockById(id: string, manager: EntityManager): Promise<SubscriptionEntity | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return manager.findOne(SubscriptionEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  findActive(applicationId: string, apiId: string, manager: EntityManager): Promise<SubscriptionEntity | null> {
    return manager.findOne(SubscriptionEntity, { where: { applicationId, apiId, status: In(['pending', 'approved']) } });
  }

  activeOfApplication(applicationId: string, manager: EntityManager): Promise<SubscriptionEntity[]> {
    return manager.find(SubscriptionEntity, { where: { applicationId, status: In(['pending', 'approved']) }, lock: { mode: 'pessimistic_write' } });
  }

  ofApi(apiId: string, manager: EntityManager): Promise<SubscriptionEntity[]> {
    return manager.find(SubscriptionEntity, { where: { apiId } });
  }

  countActiveOfPlan(planId: string, manager: EntityManager): Promise<number> {
    return manager.count(SubscriptionEntity, { where: { planId, status: In(['pending', 'approved']) } });
  }

  save(subscription: SubscriptionEntity, manager: EntityManager): Promise<SubscriptionEntity> {
    return manager.save(SubscriptionEntity, subscription);
  }

  /**
   * Subscriptions the principal may see: those of APIs its teams own and those of
   * applications its teams own (platform admins see all, optionally of one tenant).
   */
  async list(principal: AdminPrincipal, tenant: string | null, filter: ListSubscriptionsInput): Promise<{ items: SubscriptionEntity[]; total: number }> {
    const query = this.dataSource.manager.createQueryBuilder(SubscriptionEntity, 's');
    if (!principal.platformAdmin) {
      const teams = [...principal.teams.keys()];
      query.andWhere(
        `((s.tenant_id = :tenant and exists (select 1 from "${this.schema}"."apis" a where a.id = s.api_id and a.team_id = any(:teams)))
          or (s.application_tenant_id = :tenant and s.application_team_id = any(:teams)))`,
        { tenant: principal.tenantId, teams },
      );
    } else if (tenant !== null) {
      query.andWhere('(s.tenant_id = :scope or s.application_tenant_id = :scope)', { scope: tenant });
    }
    if (filter.apiId) query.andWhere('s.api_id = :apiId', { apiId: filter.apiId });
    if (filter.applicationId) query.andWhere('s.application_id = :applicationId', { applicationId: filter.applicationId });
    if (filter.status) query.andWhere('s.status = :status', { status: filter.status });
    query.orderBy('s.created_at', 'DESC').addOrderBy('s.id', 'ASC').skip(filter.offset).take(filter.limit);
    const [items, total] = await query.getManyAndCount();
    return { items, total };
  }

  private get schema(): string {
    return (this.dataSource.options as { schema: string }).schema;
  }
}

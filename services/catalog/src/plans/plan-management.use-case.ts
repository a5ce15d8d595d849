import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '@gatehouse/auth';
import { PlanStateV1 } from '@gatehouse/contracts';
import { badRequest, conflict, notFound } from '@gatehouse/platform';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { ApisRepository } from '../apis/apis.repository';
import { MANAGE_ROLE, manageableApi } from '../common/access';
import { Clock } from '../common/clock';
import { isUniqueViolation } from '../common/database-errors';
import { CatalogOutbox } from '../events/catalog-outbox';
import { planState } from '../events/state-payloads';
import { SubscriptionsRepository } from '../subscriptions/subscriptions.repository';
import { costNeedsCurrency, type CreatePlanInput, type UpdatePlanInput } from './dto/plan.dto';
import { PlanEntity } from './entities/plan.entity';
import { PlansRepository } from './plans.repository';

/** Creates, changes and archives plans; every change publishes the plan's full state (archived: a tombstone). */
@Injectable()
export class PlanManagementUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly apis: ApisRepository,
    private readonly plans: PlansRepository,
    private readonly subscriptions: SubscriptionsRepository,
    private readonly outbox: CatalogOutbox,
    private readonly clock: Clock,
  ) {}

  create(principal: AdminPrincipal, apiId: string, input: CreatePlanInput): Promise<PlanEntity> {
    return this.guarded(input.name, async (manager) => {
      const api = manageableApi(principal, await this.apis.lockById(apiId, manager), apiId, MANAGE_ROLE);
      await this.assertNameFree(manager, api.id, input.name);
      const now = this.clock.now();
      const plan = Object.assign(new PlanEntity(), { id: randomUUID(), apiId: api.id, tenantId: api.tenantId, ...input, archivedAt: null, createdAt: now, updatedAt: now });
      await this.plans.save(plan, manager);
      await this.outbox.add(manager, PlanStateV1, planState(plan));
      return plan;
    });
  }

  update(principal: AdminPrincipal, apiId: string, planId: string, input: UpdatePlanInput): Promise<PlanEntity> {
    return this.guarded(input.name, async (manager) => {
      const api = manageableApi(principal, await this.apis.lockById(apiId, manager), apiId, MANAGE_ROLE);
      const plan = await this.current(manager, api.id, planId);
      if (input.name !== undefined && input.name.toLowerCase() !== plan.name.toLowerCase()) await this.assertNameFree(manager, api.id, input.name);
      Object.assign(plan, input, { updatedAt: this.clock.now() });
      if (!costNeedsCurrency(plan)) throw badRequest('currency: a cost quota needs a currency');
      await this.plans.save(plan, manager);
      await this.outbox.add(manager, PlanStateV1, planState(plan));
      return plan;
    });
  }

  archive(principal: AdminPrincipal, apiId: string, planId: string): Promise<PlanEntity> {
    return this.dataSource.transaction(async (manager) => {
      const api = manageableApi(principal, await this.apis.lockById(apiId, manager), apiId, MANAGE_ROLE);
      const plan = await this.current(manager, api.id, planId);
      const active = await this.subscriptions.countActiveOfPlan(plan.id, manager);
      if (active > 0) throw conflict(`plan ${plan.name} still has ${active} pending or approved subscription(s); revoke or move them first`, { activeSubscriptions: active });
      const now = this.clock.now();
      Object.assign(plan, { archivedAt: now, updatedAt: now });
      await this.plans.save(plan, manager);
      await this.outbox.tombstone(manager, PlanStateV1, plan.id);
      return plan;
    });
  }

  private async current(manager: EntityManager, apiId: string, planId: string): Promise<PlanEntity> {
    const plan = await this.plans.findOfApi(apiId, planId, manager);
    if (!plan || plan.archivedAt) throw notFound('plan', planId);
    return plan;
  }

  private async assertNameFree(manager: EntityManager, apiId: string, name: string): Promise<void> {
    if (await this.plans.findByName(apiId, name, manager)) throw conflict(`the API already has a plan named ${name}`, { name });
  }

  private async guarded<T>(name: string | undefined, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction(work);
    } catch (error) {
      if (isUniqueViolation(error, 'plans_api_name_uq')) throw conflict(`the API already has a plan named ${name}`, { name });
      throw error;
    }
  }
}

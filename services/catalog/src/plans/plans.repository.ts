import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import { isUuid } from '../apis/apis.repository';
import { PlanEntity } from './entities/plan.entity';

@Injectable()
export class PlansRepository {
  constructor(private readonly dataSource: DataSource) {}

  findOfApi(apiId: string, planId: string, manager: EntityManager = this.dataSource.manager): Promise<PlanEntity | null> {
    if (!isUuid(planId)) return Promise.resolve(null);
    return manager.findOne(PlanEntity, { where: { id: planId, apiId } });
  }

  listOfApi(apiId: string, options: { includeArchived?: boolean } = {}, manager: EntityManager = this.dataSource.manager): Promise<PlanEntity[]> {
    return manager.find(PlanEntity, { where: options.includeArchived ? { apiId } : { apiId, archivedAt: IsNull() }, order: { createdAt: 'ASC' } });
  }

  findByName(apiId: string, name: string, manager: EntityManager): Promise<PlanEntity | null> {
    return manager
      .createQueryBuilder(PlanEntity, 'p')
      .where('p.api_id = :apiId and lower(p.name) = lower(:name) and p.archived_at is null', { apiId, name })
      .getOne();
  }

  save(plan: PlanEntity, manager: EntityManager): Promise<PlanEntity> {
    return manager.save(PlanEntity, plan);
  }
}

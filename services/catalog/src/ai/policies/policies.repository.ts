import { Injectable } from '@nestjs/common';
import { isUuid } from '../../apis/apis.repository';
import { DataSource, type EntityManager } from 'typeorm';
import { AiPolicyEntity } from './ai-policy.entity';

@Injectable()
export class PoliciesRepository {
  constructor(private readonly dataSource: DataSource) {}

  findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<AiPolicyEntity | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return manager.findOne(AiPolicyEntity, { where: { id } });
  }

  lockById(id: string, manager: EntityManager): Promise<AiPolicyEntity | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return manager.findOne(AiPolicyEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  findByModel(tenantId: string, model: string, manager: EntityManager = this.dataSource.manager): Promise<AiPolicyEntity | null> {
    return manager.findOne(AiPolicyEntity, { where: { tenantId, model } });
  }

  listOf(tenantId: string | null, manager: EntityManager = this.dataSource.manager): Promise<AiPolicyEntity[]> {
    return manager.find(AiPolicyEntity, { where: tenantId === null ? {} : { tenantId }, order: { tenantId: 'ASC', model: 'ASC' } });
  }

  /** Policies with a target on the provider or the model. */
  referencing(reference: { providerId: string } | { modelId: string }, manager: EntityManager): Promise<AiPolicyEntity[]> {
    return manager
      .createQueryBuilder(AiPolicyEntity, 'p')
      .where('p.targets @> :reference::jsonb', { reference: JSON.stringify([reference]) })
      .orderBy('p.model', 'ASC')
      .getMany();
  }

  save(policy: AiPolicyEntity, manager: EntityManager): Promise<AiPolicyEntity> {
    return manager.save(AiPolicyEntity, policy);
  }

  async delete(id: string, manager: EntityManager): Promise<void> {
    await manager.delete(AiPolicyEntity, { id });
  }
}

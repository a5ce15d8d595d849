import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '@gatehouse/auth';
import { AiPolicyStateV1 } from '@gatehouse/contracts';
import { conflict } from '@gatehouse/platform';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { actorOf } from '../../common/access';
import { Clock } from '../../common/clock';
import { isUniqueViolation } from '../../common/database-errors';
import { DirectoryRepository } from '../../directory/directory.repository';
import { CatalogOutbox } from '../../events/catalog-outbox';
import { manageableResource, owningTeam } from '../common/ai-access';
import { AiReferences } from '../common/ai-references';
import { policyState } from '../common/ai-state';
import { ModelsRepository } from '../models/models.repository';
import { AiPolicyEntity } from './ai-policy.entity';
import type { CreatePolicyInput, UpdatePolicyInput } from './dto/policy.dto';
import { PoliciesRepository } from './policies.repository';

const modelTaken = (model: string, tenantId: string) => conflict(`a routing policy for model ${model} already exists in tenant ${tenantId}`, { model });

/** Creates, changes and deletes routing policies; every change stages the policy state for the gateway. */
@Injectable()
export class ManagePolicyUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policies: PoliciesRepository,
    private readonly models: ModelsRepository,
    private readonly references: AiReferences,
    private readonly directory: DirectoryRepository,
    private readonly outbox: CatalogOutbox,
    private readonly clock: Clock,
  ) {}

  async create(principal: AdminPrincipal, input: CreatePolicyInput): Promise<AiPolicyEntity> {
    const team = await owningTeam(this.directory, principal, input.teamId, 'a routing policy');
    const now = this.clock.now();
    const policy = Object.assign(new AiPolicyEntity(), {
      id: randomUUID(),
      tenantId: team.tenantId,
      teamId: team.id,
      model: input.model,
      targets: input.targets,
      retries: input.retries,
      timeoutMs: input.timeoutMs,
      createdBy: actorOf(principal),
      createdAt: now,
      updatedAt: now,
    });
    try {
      return await this.dataSource.transaction(async (manager) => {
        await this.references.checkTargets(policy.tenantId, policy.targets, manager);
        if (await this.policies.findByModel(policy.tenantId, policy.model, manager)) throw modelTaken(policy.model, policy.tenantId);
        return this.saveAndPublish(manager, policy);
      });
    } catch (error) {
      if (isUniqueViolation(error, 'ai_policies_tenant_model_uq')) throw modelTaken(policy.model, policy.tenantId);
      throw error;
    }
  }

  async update(principal: AdminPrincipal, policyId: string, input: UpdatePolicyInput): Promise<AiPolicyEntity> {
    return this.dataSource.transaction(async (manager) => {
      const policy = manageableResource(principal, await this.policies.lockById(policyId, manager), 'routing policy', policyId);
      if (input.targets) await this.references.checkTargets(policy.tenantId, input.targets, manager);
      Object.assign(policy, input, { updatedAt: this.clock.now() });
      return this.saveAndPublish(manager, policy);
    });
  }

  /** Refused (409) when a live prompt API asks for the policy's model name and no model of that name remains. */
  async delete(principal: AdminPrincipal, policyId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const policy = manageableResource(principal, await this.policies.lockById(policyId, manager), 'routing policy', policyId);
      if (!(await this.models.findByName(policy.tenantId, policy.model, manager))) {
        const prompts = await this.models.promptsUsing(policy.tenantId, policy.model, manager);
        if (prompts.length > 0) {
          const users = prompts.map((use) => `prompt API ${use.apiId} version ${use.version} (${use.state})`);
          throw conflict(`routing policy ${policy.model} is still used by ${users.join(', ')}; change or retire them first`, { usedBy: users });
        }
      }
      await this.outbox.tombstone(manager, AiPolicyStateV1, `policy:${policy.id}`);
      await this.policies.delete(policy.id, manager);
    });
  }

  private async saveAndPublish(manager: EntityManager, policy: AiPolicyEntity): Promise<AiPolicyEntity> {
    await this.policies.save(policy, manager);
    await this.outbox.add(manager, AiPolicyStateV1, policyState(policy));
    return policy;
  }
}

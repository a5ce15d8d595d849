import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '@gatehouse/auth';
import { AiModelStateV1 } from '@gatehouse/contracts';
import { badRequest, conflict } from '@gatehouse/platform';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { actorOf } from '../../common/access';
import { Clock } from '../../common/clock';
import { isUniqueViolation } from '../../common/database-errors';
import { DirectoryRepository } from '../../directory/directory.repository';
import { CatalogOutbox } from '../../events/catalog-outbox';
import { manageableResource, owningTeam } from '../common/ai-access';
import { AiReferences } from '../common/ai-references';
import { modelState } from '../common/ai-state';
import { PoliciesRepository } from '../policies/policies.repository';
import { AiModelEntity } from './ai-model.entity';
import type { CreateModelInput, UpdateModelInput } from './dto/model.dto';
import { ModelsRepository } from './models.repository';

const nameTaken = (name: string, tenantId: string) => conflict(`an AI model named ${name} already exists in tenant ${tenantId}`, { name });

/** Creates, changes and deletes AI models; every change stages the model state for the gateway. */
@Injectable()
export class ManageModelUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly models: ModelsRepository,
    private readonly policies: PoliciesRepository,
    private readonly references: AiReferences,
    private readonly directory: DirectoryRepository,
    private readonly outbox: CatalogOutbox,
    private readonly clock: Clock,
  ) {}

  async create(principal: AdminPrincipal, input: CreateModelInput): Promise<AiModelEntity> {
    const team = await owningTeam(this.directory, principal, input.teamId, 'an AI model');
    const now = this.clock.now();
    const model = Object.assign(new AiModelEntity(), {
      ...input,
      id: randomUUID(),
      tenantId: team.tenantId,
      teamId: team.id,
      createdBy: actorOf(principal),
      createdAt: now,
      updatedAt: now,
    });
    try {
      return await this.dataSource.transaction(async (manager) => {
        await this.references.provider(model.tenantId, model.providerId, 'providerId', manager);
        if (await this.models.findByName(model.tenantId, model.name, manager)) throw nameTaken(model.name, model.tenantId);
        return this.saveAndPublish(manager, model);
      });
    } catch (error) {
      if (isUniqueViolation(error, 'ai_models_tenant_name_uq')) throw nameTaken(model.name, model.tenantId);
      throw error;
    }
  }

  async update(principal: AdminPrincipal, modelId: string, input: UpdateModelInput): Promise<AiModelEntity> {
    return this.dataSource.transaction(async (manager) => {
      const model = manageableResource(principal, await this.models.lockById(modelId, manager), 'AI model', modelId);
      const movesProvider = input.providerId !== undefined && input.providerId !== model.providerId;
      if (movesProvider) await this.references.provider(model.tenantId, input.providerId!, 'providerId', manager);
      Object.assign(model, input, { updatedAt: this.clock.now() });
      if (model.maxOutputTokens !== null && model.maxOutputTokens > model.contextWindow) {
        throw badRequest(`maxOutputTokens: ${model.maxOutputTokens} would exceed the context window ${model.contextWindow} of model ${model.name}`);
      }
      await this.models.save(model, manager);
      if (movesProvider) {
        for (const policy of await this.policies.referencing({ modelId: model.id }, manager)) {
          await this.references.checkTargets(model.tenantId, policy.targets, manager, `policy ${policy.model} targets`).catch((error: Error) => {
            throw conflict(`moving model ${model.name} to provider ${input.providerId} breaks routing policy ${policy.model}: ${error.message}`);
          });
        }
      }
      return this.saveAndPublish(manager, model);
    });
  }

  /** Refused (409) while a routing policy targets the model or a live prompt API asks for it by name. */
  async delete(principal: AdminPrincipal, modelId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const model = manageableResource(principal, await this.models.lockById(modelId, manager), 'AI model', modelId);
      const users = (await this.policies.referencing({ modelId: model.id }, manager)).map((policy) => `routing policy ${policy.model}`);
      if (!(await this.policies.findByModel(model.tenantId, model.name, manager))) {
        users.push(...(await this.models.promptsUsing(model.tenantId, model.name, manager)).map((use) => `prompt API ${use.apiId} version ${use.version} (${use.state})`));
      }
      if (users.length > 0) throw conflict(`AI model ${model.name} is still used by ${users.join(', ')}; change or retire them first`, { usedBy: users });
      await this.outbox.tombstone(manager, AiModelStateV1, `model:${model.id}`);
      await this.models.delete(model.id, manager);
    });
  }

  private async saveAndPublish(manager: EntityManager, model: AiModelEntity): Promise<AiModelEntity> {
    await this.models.save(model, manager);
    await this.outbox.add(manager, AiModelStateV1, modelState(model));
    return model;
  }
}

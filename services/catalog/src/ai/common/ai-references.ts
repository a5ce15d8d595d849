import { Injectable } from '@nestjs/common';
import { AppError } from '@gatehouse/platform';
import type { EntityManager } from 'typeorm';
import type { AiModelEntity } from '../models/ai-model.entity';
import { ModelsRepository } from '../models/models.repository';
import type { PolicyTarget } from '../policies/ai-policy.entity';
import { PoliciesRepository } from '../policies/policies.repository';
import type { AiProviderEntity } from '../providers/ai-provider.entity';
import { ProvidersRepository } from '../providers/providers.repository';

export interface ReferenceIssue {
  path: string;
  message: string;
}

export const invalidReferences = (issues: ReferenceIssue[], code = 'invalid_reference') =>
  new AppError(400, code, issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '), { issues });

/**
 * Resolves what AI resources refer to, inside one tenant, locking the referenced rows
 * against deletion until the caller's transaction ends. A reference to another tenant's
 * resource is reported exactly like one to a resource that does not exist.
 */
@Injectable()
export class AiReferences {
  constructor(
    private readonly providers: ProvidersRepository,
    private readonly models: ModelsRepository,
    private readonly policies: PoliciesRepository,
  ) {}

  async provider(tenantId: string, providerId: string, path: string, manager: EntityManager): Promise<AiProviderEntity> {
    const [provider] = await this.providers.shareMany(tenantId, [providerId], manager);
    if (!provider) throw invalidReferences([{ path, message: `AI provider ${providerId} does not exist in tenant ${tenantId}` }]);
    return provider;
  }

  /** Every target's provider and model exist in the tenant, and the provider speaks the wire format of the model's own provider. */
  async checkTargets(tenantId: string, targets: readonly PolicyTarget[], manager: EntityManager, prefix = 'targets'): Promise<void> {
    const models = new Map((await this.models.shareMany(tenantId, [...new Set(targets.map((target) => target.modelId))], manager)).map((model) => [model.id, model]));
    const providerIds = new Set([...targets.map((target) => target.providerId), ...[...models.values()].map((model) => model.providerId)]);
    const providers = new Map((await this.providers.shareMany(tenantId, [...providerIds], manager)).map((provider) => [provider.id, provider]));
    const issues: ReferenceIssue[] = [];
    targets.forEach((target, index) => {
      const provider = providers.get(target.providerId);
      const model = models.get(target.modelId);
      if (!provider) issues.push({ path: `${prefix}.${index}.providerId`, message: `AI provider ${target.providerId} does not exist in tenant ${tenantId}` });
      if (!model) issues.push({ path: `${prefix}.${index}.modelId`, message: `AI model ${target.modelId} does not exist in tenant ${tenantId}` });
      const home = model ? providers.get(model.providerId) : undefined;
      if (provider && model && home && home.type !== provider.type) {
        issues.push({ path: `${prefix}.${index}.providerId`, message: `model ${model.name} is served by ${home.type} providers; provider ${provider.name} is ${provider.type}` });
      }
    });
    if (issues.length > 0) throw invalidReferences(issues);
  }

  /** The providers a model name can reach: its policy's targets, else the model's own provider. Empty when the name is unknown. */
  async providersServing(tenantId: string, name: string, manager: EntityManager): Promise<AiProviderEntity[]> {
    const policy = await this.policies.findByModel(tenantId, name, manager);
    if (policy) return this.providers.shareMany(tenantId, [...new Set(policy.targets.map((target) => target.providerId))], manager);
    const model: AiModelEntity | null = await this.models.findByName(tenantId, name, manager);
    return model ? this.providers.shareMany(tenantId, [model.providerId], manager) : [];
  }

  /** Every provider of the tenant (what an `ai` API can reach). */
  tenantProviders(tenantId: string, manager: EntityManager): Promise<AiProviderEntity[]> {
    return this.providers.listOf(tenantId, manager);
  }
}

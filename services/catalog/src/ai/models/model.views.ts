import type { AiModelEntity } from './ai-model.entity';

/** A model as the admin API shows it; `priced: false` flags a model whose usage cannot be costed. */
export function modelView(model: AiModelEntity) {
  return {
    id: model.id,
    tenantId: model.tenantId,
    teamId: model.teamId,
    name: model.name,
    providerId: model.providerId,
    upstreamModel: model.upstreamModel,
    contextWindow: model.contextWindow,
    maxOutputTokens: model.maxOutputTokens,
    capabilities: model.capabilities,
    prices: model.prices,
    priced: model.prices !== null,
    createdAt: model.createdAt.toISOString(),
    updatedAt: model.updatedAt.toISOString(),
  };
}

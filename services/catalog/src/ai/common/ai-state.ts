import type { WrappedSecret } from '@gatehouse/auth';
import type { AiModelStateV1, AiPolicyStateV1, AiProviderStateV1, EventData, PromptStateV1 } from '@gatehouse/contracts';
import type { ApiVersionEntity } from '../../versions/entities/api-version.entity';
import type { RouteEntity } from '../../versions/entities/route.entity';
import type { AiModelEntity } from '../models/ai-model.entity';
import type { AiPolicyEntity } from '../policies/ai-policy.entity';
import type { AiProviderEntity } from '../providers/ai-provider.entity';

/** The full current state of each AI entity, as `gatehouse.catalog.ai` carries it. */

export function providerState(provider: AiProviderEntity, credential: WrappedSecret | null): EventData<typeof AiProviderStateV1> {
  return {
    providerId: provider.id,
    tenantId: provider.tenantId,
    teamId: provider.teamId,
    name: provider.name,
    type: provider.type,
    baseUrl: provider.baseUrl,
    apiVersion: provider.apiVersion,
    deployment: provider.deployment,
    credential: credential ? { recipient: 'gateway', jwe: credential.jwe } : null,
    updatedAt: provider.updatedAt.toISOString(),
  };
}

export function modelState(model: AiModelEntity): EventData<typeof AiModelStateV1> {
  return {
    modelId: model.id,
    tenantId: model.tenantId,
    teamId: model.teamId,
    name: model.name,
    providerId: model.providerId,
    upstreamModel: model.upstreamModel,
    contextWindow: model.contextWindow,
    maxOutputTokens: model.maxOutputTokens,
    capabilities: model.capabilities,
    prices: model.prices,
    updatedAt: model.updatedAt.toISOString(),
  };
}

export function policyState(policy: AiPolicyEntity): EventData<typeof AiPolicyStateV1> {
  return {
    policyId: policy.id,
    tenantId: policy.tenantId,
    teamId: policy.teamId,
    model: policy.model,
    targets: policy.targets.map((target) => ({ providerId: target.providerId, modelId: target.modelId, weight: target.weight })),
    retries: policy.retries,
    timeoutMs: policy.timeoutMs,
    updatedAt: policy.updatedAt.toISOString(),
  };
}

export function promptState(route: RouteEntity, version: ApiVersionEntity, at: Date): EventData<typeof PromptStateV1> {
  const prompt = version.prompt;
  if (!prompt || version.state === 'draft') throw new Error(`route ${route.id} of version ${version.id} serves no published prompt`);
  return {
    routeId: route.id,
    tenantId: route.tenantId,
    apiId: version.apiId,
    apiVersionId: version.id,
    version: version.version,
    path: route.path,
    model: prompt.model,
    messages: prompt.messages,
    variables: prompt.variables,
    parameters: prompt.parameters,
    responseFormat: prompt.responseFormat,
    outputSchema: prompt.outputSchema,
    title: prompt.title,
    description: prompt.description,
    updatedAt: at.toISOString(),
  };
}

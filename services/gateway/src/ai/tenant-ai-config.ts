import type { AiConfigInput } from '@gatehouse/ai';
import type { AiModelState, AiPolicyState, TenantAiRecords } from './ai-records';

/** One tenant's `createAiHandler` configuration, and what was left out for now. */
export interface TenantAiConfig {
  readonly config: AiConfigInput;
  /** Records left out because a record they reference is not known (yet), or did not open. */
  readonly skipped: string[];
}

const byKey = <T>(map: Map<string, T>): T[] => [...map.keys()].sort().map((key) => map.get(key)!);

/**
 * The latest record per name. Names are unique in a tenant, but a name deleted and created
 * again lives under two ids for as long as the tombstone of the old one is on its way (the
 * two keys may sit on different partitions).
 */
function latestByName<T extends { updatedAt: string }>(records: T[], nameOf: (record: T) => string, describe: (record: T) => string, skipped: string[]): T[] {
  const chosen = new Map<string, T>();
  for (const record of records) {
    const name = nameOf(record);
    const current = chosen.get(name);
    if (current === undefined || Date.parse(record.updatedAt) > Date.parse(current.updatedAt)) {
      if (current !== undefined) skipped.push(`${describe(current)}: superseded by a newer record of the same name`);
      chosen.set(name, record);
    } else skipped.push(`${describe(record)}: superseded by a newer record of the same name`);
  }
  return [...chosen.values()];
}

/**
 * Maps a tenant's catalog records to the AI engine's configuration (docs/services/catalog-ai.md):
 * ids on the topic become the names clients send. Records arrive in any order across the
 * topic's partitions, so a model whose provider is unknown, a policy target whose provider or
 * model is unknown, a policy left without targets and a prompt whose model is neither a model
 * nor a policy are left out until the missing record arrives. A provider whose credential did
 * not open is left out with everything that needs it.
 */
export function buildTenantAiConfig(records: TenantAiRecords): TenantAiConfig {
  const skipped: string[] = [];
  const providers: AiConfigInput['providers'] = [];
  const providerIds = new Set<string>();
  for (const entry of byKey(records.providers)) {
    const { state } = entry;
    if (entry.apiKey === null) {
      skipped.push(`provider ${state.providerId}: ${entry.credentialError ?? 'credential did not open'}`);
      continue;
    }
    providerIds.add(state.providerId);
    providers.push({
      id: state.providerId,
      type: state.type,
      baseUrl: state.baseUrl,
      apiKey: entry.apiKey,
      ...(state.apiVersion !== null ? { apiVersion: state.apiVersion } : {}),
      ...(state.deployment !== null ? { deployment: state.deployment } : {}),
    });
  }

  const describeModel = (model: AiModelState) => `model ${model.name} (${model.modelId})`;
  const models: AiConfigInput['models'] = [];
  const nameOfModel = new Map<string, string>();
  for (const model of latestByName(byKey(records.models), (model) => model.name, describeModel, skipped)) {
    if (!providerIds.has(model.providerId)) {
      skipped.push(`${describeModel(model)}: provider ${model.providerId} is not available`);
      continue;
    }
    nameOfModel.set(model.modelId, model.name);
    models.push({
      id: model.name,
      provider: model.providerId,
      upstreamModel: model.upstreamModel,
      contextWindow: model.contextWindow,
      ...(model.maxOutputTokens !== null ? { maxOutputTokens: model.maxOutputTokens } : {}),
      capabilities: [...model.capabilities],
      prices: model.prices,
    });
  }

  const describePolicy = (policy: AiPolicyState) => `policy ${policy.model} (${policy.policyId})`;
  const policies: NonNullable<AiConfigInput['policies']> = [];
  for (const policy of latestByName(byKey(records.policies), (policy) => policy.model, describePolicy, skipped)) {
    const targets = [];
    for (const [index, target] of policy.targets.entries()) {
      const name = nameOfModel.get(target.modelId);
      if (name === undefined || !providerIds.has(target.providerId)) {
        skipped.push(`${describePolicy(policy)}: target ${index} (provider ${target.providerId}, model ${target.modelId}) is not available`);
        continue;
      }
      targets.push({ provider: target.providerId, model: name, weight: target.weight });
    }
    if (targets.length === 0) {
      skipped.push(`${describePolicy(policy)}: no target is available`);
      continue;
    }
    policies.push({ model: policy.model, targets, retries: policy.retries, timeoutMs: policy.timeoutMs });
  }

  const servable = new Set<string>([...models.map((model) => model.id), ...policies.map((policy) => policy.model)]);
  const promptApis: NonNullable<AiConfigInput['promptApis']> = [];
  for (const prompt of byKey(records.prompts)) {
    if (!servable.has(prompt.model)) {
      skipped.push(`prompt ${prompt.path} (${prompt.routeId}): model ${prompt.model} is not available`);
      continue;
    }
    promptApis.push({
      id: prompt.routeId,
      path: prompt.path,
      model: prompt.model,
      messages: prompt.messages.map((message) => ({ ...message })),
      variables: prompt.variables,
      parameters: prompt.parameters,
      responseFormat: prompt.responseFormat,
      version: prompt.version,
      ...(prompt.outputSchema !== null ? { outputSchema: prompt.outputSchema } : {}),
      ...(prompt.title !== null ? { title: prompt.title } : {}),
      ...(prompt.description !== null ? { description: prompt.description } : {}),
    });
  }
  return { config: { providers, models, policies, promptApis }, skipped };
}

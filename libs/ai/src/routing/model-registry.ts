import type { AiConfig, AiModelConfig, AiPolicyConfig, Capability } from '../config/ai-config';
import { AiError } from '../errors/ai-error';
import type { ResolvedTarget } from '../providers/provider-adapter';
import { orderTargets } from './target-order';

const DEFAULT_TIMEOUT_MS = 60_000;

/** How a requested model name is served. */
export interface ModelRoute {
  name: string;
  /** The catalog model when the name is one (prices, context window for messages). */
  model: AiModelConfig | null;
  policy: AiPolicyConfig;
}

/** Resolves model names to routing policies; built once per configuration. */
export class ModelRegistry {
  private readonly routes = new Map<string, ModelRoute>();
  private readonly targetsByKey = new Map<string, ResolvedTarget>();

  constructor(
    private readonly config: AiConfig,
    private readonly random: () => number = Math.random,
  ) {
    const providers = new Map(config.providers.map((provider) => [provider.id, provider]));
    const models = new Map(config.models.map((model) => [model.id, model]));
    for (const model of config.models) {
      const policy = { model: model.id, targets: [{ provider: model.provider, model: model.id, weight: 1 }], retries: 0, timeoutMs: DEFAULT_TIMEOUT_MS };
      this.routes.set(model.id, { name: model.id, model, policy });
    }
    for (const policy of config.policies) this.routes.set(policy.model, { name: policy.model, model: models.get(policy.model) ?? null, policy });
    for (const route of this.routes.values()) {
      for (const target of route.policy.targets) {
        const key = `${target.provider}\u0000${target.model}`;
        if (!this.targetsByKey.has(key)) this.targetsByKey.set(key, { provider: providers.get(target.provider)!, model: models.get(target.model)! });
      }
    }
  }

  /** The route of a model name; 404 `model_not_found` in OpenAI's words when there is none. */
  route(name: string): ModelRoute {
    const route = this.routes.get(name);
    if (!route) throw new AiError('model_not_found', `The model '${name}' does not exist or you do not have access to it.`, 'model');
    return route;
  }

  /** Targets of a route in attempt order, keeping those having every capability needed. */
  targets(route: ModelRoute, needs: readonly Capability[]): ResolvedTarget[] {
    const ordered = orderTargets(route.policy.targets, this.random);
    const resolved = ordered.map((target) => this.targetsByKey.get(`${target.provider}\u0000${target.model}`)!);
    const able = resolved.filter((target) => needs.every((need) => target.model.capabilities.includes(need)));
    if (able.length === 0) {
      const missing = needs.find((need) => !resolved.some((target) => target.model.capabilities.includes(need))) ?? needs[0];
      const param = missing === 'tools' ? 'tools' : missing === 'vision' ? 'messages' : 'model';
      throw new AiError('invalid_request', `The model '${route.name}' does not support ${describe(missing)}`, param);
    }
    return able;
  }

  /** Every model name clients can ask for. */
  names(): Array<{ id: string; ownedBy: string }> {
    return [...this.routes.values()].map((route) => ({ id: route.name, ownedBy: route.model?.provider ?? 'gatehouse' }));
  }

  get configuration(): AiConfig {
    return this.config;
  }
}

function describe(capability: Capability | undefined): string {
  switch (capability) {
    case 'chat':
      return 'chat completions';
    case 'embeddings':
      return 'embeddings';
    case 'tools':
      return 'tools';
    case 'vision':
      return 'image inputs';
    default:
      return `'${capability}'`;
  }
}

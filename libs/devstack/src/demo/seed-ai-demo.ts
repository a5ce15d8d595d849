import type { Api, GatehouseAdmin, Named, Plan, Policy, Subscription } from './gatehouse-admin';
import { ensureApprovedSubscription, ensurePlan, ensurePublished, findApi, type DemoObjects } from './seed-demo';

/** The AI side of the demo: a fake OpenAI-compatible model behind an `ai` API. */
export const AI_DEMO = {
  provider: 'demo-fake-llm',
  model: { name: 'demo-gpt', upstreamModel: 'gpt-4o-mini', contextWindow: 128_000, prices: { input: 0.15, output: 0.6, cached: 0.075, currency: 'USD' } },
  policy: 'demo-smart',
  api: { name: 'Demo AI', slug: 'demo-ai', version: 'v1', basePath: '/demo/ai' },
  plan: { name: 'demo-ai', rateLimit: { requests: 5, per: 'second' }, quotas: [{ metric: 'tokens', limit: 100_000, period: 'day', warnAt: 0.8 }] },
} as const;

export interface AiDemoObjects {
  readonly api: Api;
  readonly plan: Plan;
  readonly subscription: Subscription;
  readonly model: string;
  readonly policy: string;
}

interface Provider extends Named {
  readonly baseUrl: string | null;
}

/**
 * A provider for the fake model at `fakeBaseUrl` (its base URL updated when the fake moved to
 * another port), a priced model, a routing policy over it, and the
 * `ai` API published under `/demo/ai` with a token-quota plan the demo application is subscribed to.
 */
export async function seedAiDemo(admin: GatehouseAdmin, demo: DemoObjects, fakeBaseUrl: string): Promise<AiDemoObjects> {
  const { tenantId } = demo;
  const teamId = demo.ownerTeam.id;
  let provider = (await admin.aiList<Provider>('providers', tenantId)).find((candidate) => candidate.name === AI_DEMO.provider);
  if (!provider) {
    provider = await admin.aiCreate<Provider>('providers', { teamId, name: AI_DEMO.provider, type: 'openai-compatible', baseUrl: fakeBaseUrl });
  } else if (provider.baseUrl !== fakeBaseUrl) {
    provider = await admin.catalog.patch<Provider>(`/ai/providers/${encodeURIComponent(provider.id)}`, { baseUrl: fakeBaseUrl });
  }
  const { name, upstreamModel, contextWindow, prices } = AI_DEMO.model;
  const model =
    (await admin.aiList<Named>('models', tenantId)).find((candidate) => candidate.name === name) ??
    (await admin.aiCreate<Named>('models', { teamId, name, providerId: provider.id, upstreamModel, contextWindow, capabilities: ['chat', 'json'], prices }));
  if (!(await admin.aiList<Policy>('policies', tenantId)).some((candidate) => candidate.model === AI_DEMO.policy)) {
    await admin.aiCreate('policies', { teamId, model: AI_DEMO.policy, targets: [{ providerId: provider.id, modelId: model.id, weight: 1 }], retries: 1, timeoutMs: 30_000 });
  }

  let api = await findApi(admin, tenantId, AI_DEMO.api.slug);
  if (!api) {
    api = await admin.createApi({ teamId, name: AI_DEMO.api.name, slug: AI_DEMO.api.slug, kind: 'ai', visibility: 'tenant', description: 'OpenAI-compatible chat over the demo fake model' });
    await admin.createVersion(api.id, { version: AI_DEMO.api.version, basePath: AI_DEMO.api.basePath });
  }
  const plan = await ensurePlan(admin, api.id, { ...AI_DEMO.plan, description: '5 requests per second, 100 000 LLM tokens per day' });
  await ensurePublished(admin, api.id, AI_DEMO.api.version);
  const subscription = await ensureApprovedSubscription(admin, api.id, demo.application.id, plan.id);
  return { api, plan, subscription, model: AI_DEMO.model.name, policy: AI_DEMO.policy };
}

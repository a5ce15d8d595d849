import { startFakeProvider, type FakeProvider } from '@gatehouse/ai/testing';
import { wrapSecret } from '@gatehouse/auth';
import { AiModelStateV1, AiPolicyStateV1, AiProviderStateV1, ApplicationStateV1, PlanStateV1, PromptStateV1, RouteStateV1, SubscriptionStateV1 } from '@gatehouse/contracts';
import type { GatewayHarness } from '../../testing/gateway-harness';
import { applicationState, planState, routeState, subscriptionState } from '../../testing/state-builders';
import type { AiProviderState } from '../ai-records';
import { modelState, policyState, promptState, providerState } from './ai-state-builders';

export const LLM_AUDIENCE = 'https://api.acme.test/llm';
export const SENTIMENT_AUDIENCE = 'https://api.acme.test/sentiment';
export const GLOBEX_AUDIENCE = 'https://api.globex.test/llm';

/** The fake providers behind an AI integration spec: two for tenant acme, one for tenant globex. */
export interface AiFakes {
  readonly openai: FakeProvider;
  readonly anthropic: FakeProvider;
  readonly globex: FakeProvider;
}

export async function startAiFakes(): Promise<AiFakes> {
  const [openai, anthropic, globex] = await Promise.all([
    startFakeProvider('openai', { apiKey: 'sk-acme-openai-0123456789' }),
    startFakeProvider('anthropic', { apiKey: 'sk-ant-acme-0123456789' }),
    startFakeProvider('openai', { apiKey: 'sk-globex-openai-0123456789' }),
  ]);
  return { openai, anthropic, globex };
}

/** A provider record whose credential is wrapped for the gateway, as the catalog publishes it. */
async function wrappedProvider(harness: GatewayHarness, state: AiProviderState, apiKey: string): Promise<AiProviderState> {
  const { jwe } = await wrapSecret(apiKey, 'gateway', harness.transport.secret, `provider:${state.providerId}`);
  return { ...state, credential: { recipient: 'gateway', jwe } };
}

/**
 * Publishes what the catalog and identity publish for two tenants: acme with an OpenAI and an
 * Anthropic provider, gpt-4o and claude-sonnet with prices, a `smart` policy (claude first,
 * gpt-4o as fallback), an `ai` API at /llm/v1 and a prompt API at /ai/sentiment, subscribed by
 * app-1 (app-2 has no subscription); globex with its own provider and its own `gpt-4o` at
 * /globex/v1. The AI records go out before the providers they reference.
 */
export async function publishAiWorld(harness: GatewayHarness, fakes: AiFakes): Promise<void> {
  const publish = harness.publish.bind(harness);
  await publish(PromptStateV1, promptState({ routeId: 'r-sentiment', apiId: 'api-sentiment', path: '/ai/sentiment', model: 'gpt-4o' }));
  await publish(AiPolicyStateV1, policyState({ policyId: 'pol-smart', model: 'smart', timeoutMs: 10_000, targets: [{ providerId: 'p-anthropic', modelId: 'm-claude', weight: 1 }, { providerId: 'p-openai', modelId: 'm-gpt', weight: 0 }] }));
  await publish(AiModelStateV1, modelState({ modelId: 'm-gpt', name: 'gpt-4o', providerId: 'p-openai', prices: { input: 2.5, output: 10, cached: 1.25, currency: 'USD' } }));
  await publish(AiModelStateV1, modelState({ modelId: 'm-claude', name: 'claude-sonnet', providerId: 'p-anthropic', upstreamModel: 'claude-sonnet-4-20250514', contextWindow: 200_000, maxOutputTokens: 8192, prices: { input: 3, output: 15, cached: 0.3, currency: 'USD' } }));
  await publish(AiModelStateV1, modelState({ tenantId: 'globex', teamId: 'team-g', modelId: 'm-globex', name: 'gpt-4o', providerId: 'p-globex', prices: { input: 5, output: 20, cached: null, currency: 'EUR' } }));
  await publish(AiProviderStateV1, await wrappedProvider(harness, providerState({ providerId: 'p-openai', type: 'openai', baseUrl: fakes.openai.baseUrl }), fakes.openai.apiKey));
  await publish(AiProviderStateV1, await wrappedProvider(harness, providerState({ providerId: 'p-anthropic', type: 'anthropic', baseUrl: fakes.anthropic.baseUrl }), fakes.anthropic.apiKey));
  await publish(AiProviderStateV1, await wrappedProvider(harness, providerState({ tenantId: 'globex', teamId: 'team-g', providerId: 'p-globex', type: 'openai', baseUrl: fakes.globex.baseUrl }), fakes.globex.apiKey));

  const upstreamUrl = fakes.openai.origin;
  const ai = { kind: 'ai' as const, upstreamUrl, stripPrefix: '/llm/v1' };
  await publish(RouteStateV1, routeState({ ...ai, routeId: 'r-llm-chat', apiId: 'api-llm', audience: LLM_AUDIENCE, path: '/llm/v1/chat/completions', methods: ['POST'] }));
  await publish(RouteStateV1, routeState({ ...ai, routeId: 'r-llm-models', apiId: 'api-llm', audience: LLM_AUDIENCE, path: '/llm/v1/models', methods: ['GET'] }));
  await publish(RouteStateV1, routeState({ kind: 'prompt', upstreamUrl, routeId: 'r-sentiment', apiId: 'api-sentiment', audience: SENTIMENT_AUDIENCE, path: '/ai/sentiment', stripPrefix: '/ai', methods: ['POST'] }));
  await publish(RouteStateV1, routeState({ ...ai, tenantId: 'globex', routeId: 'r-globex-chat', apiId: 'api-globex', audience: GLOBEX_AUDIENCE, path: '/globex/v1/chat/completions', stripPrefix: '/globex/v1', methods: ['POST'] }));

  await publish(ApplicationStateV1, applicationState({ applicationId: 'app-1', allowedScopes: [] }));
  await publish(ApplicationStateV1, applicationState({ applicationId: 'app-2', allowedScopes: [] }));
  await publish(ApplicationStateV1, applicationState({ applicationId: 'app-g', tenantId: 'globex', teamId: 'team-g', allowedScopes: [] }));
  await publish(PlanStateV1, planState({ planId: 'plan-llm', apiId: 'api-llm', quotas: [{ metric: 'cost', limit: 5_000_000, period: 'month', warnAt: null }], currency: 'USD' }));
  await publish(PlanStateV1, planState({ planId: 'plan-sentiment', apiId: 'api-sentiment' }));
  await publish(PlanStateV1, planState({ planId: 'plan-globex', tenantId: 'globex', apiId: 'api-globex' }));
  await publish(SubscriptionStateV1, subscriptionState({ subscriptionId: 'sub-llm', apiId: 'api-llm', audience: LLM_AUDIENCE, planId: 'plan-llm', scopes: [] }));
  await publish(SubscriptionStateV1, subscriptionState({ subscriptionId: 'sub-sentiment', apiId: 'api-sentiment', audience: SENTIMENT_AUDIENCE, planId: 'plan-sentiment', scopes: [] }));
  await publish(
    SubscriptionStateV1,
    subscriptionState({ subscriptionId: 'sub-globex', tenantId: 'globex', applicationTenantId: 'globex', applicationId: 'app-g', apiId: 'api-globex', audience: GLOBEX_AUDIENCE, planId: 'plan-globex', scopes: [] }),
  );
}

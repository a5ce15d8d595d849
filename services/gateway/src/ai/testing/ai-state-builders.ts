import type { AiModelState, AiPolicyState, AiProviderState, PromptState } from '../ai-records';

const now = () => new Date().toISOString();

/** A catalog AI provider record (no credential unless given). */
export function providerState(overrides: Partial<AiProviderState> & Pick<AiProviderState, 'providerId' | 'type' | 'baseUrl'>): AiProviderState {
  return { tenantId: 'acme', teamId: 'team-1', name: overrides.providerId, apiVersion: null, deployment: null, credential: null, updatedAt: now(), ...overrides };
}

/** A catalog AI model record, priced in USD unless `prices` is given. */
export function modelState(overrides: Partial<AiModelState> & Pick<AiModelState, 'modelId' | 'name' | 'providerId'>): AiModelState {
  return {
    tenantId: 'acme',
    teamId: 'team-1',
    upstreamModel: overrides.name,
    contextWindow: 128_000,
    maxOutputTokens: null,
    capabilities: ['chat', 'tools', 'json'],
    prices: { input: 2.5, output: 10, cached: 1.25, currency: 'USD' },
    updatedAt: now(),
    ...overrides,
  };
}

/** A catalog routing policy record. */
export function policyState(overrides: Partial<AiPolicyState> & Pick<AiPolicyState, 'policyId' | 'model' | 'targets'>): AiPolicyState {
  return { tenantId: 'acme', teamId: 'team-1', retries: 0, timeoutMs: 60_000, updatedAt: now(), ...overrides };
}

/** A catalog prompt record: a sentiment classifier over one `text` variable. */
export function promptState(overrides: Partial<PromptState> & Pick<PromptState, 'routeId' | 'path' | 'model'>): PromptState {
  return {
    tenantId: 'acme',
    apiId: 'api-sentiment',
    apiVersionId: 'api-sentiment-v1',
    version: 'v1',
    messages: [
      { role: 'system', content: 'You classify sentiment. Answer as JSON.' },
      { role: 'user', content: 'Text: {{text}}' },
    ],
    variables: [{ name: 'text', type: 'string', required: true, maxLength: 4000 }],
    parameters: { temperature: 0, max_tokens: 50 },
    responseFormat: 'json',
    outputSchema: { type: 'object', required: ['sentiment'], properties: { sentiment: { type: 'string' }, score: { type: 'number' } } },
    title: 'Sentiment',
    description: null,
    updatedAt: now(),
    ...overrides,
  };
}

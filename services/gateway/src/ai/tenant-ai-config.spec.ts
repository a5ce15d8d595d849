import { parseAiConfig } from '@gatehouse/ai';
import { describe, expect, it } from 'vitest';
import { emptyTenantRecords, type ProviderEntry, type TenantAiRecords } from './ai-records';
import { modelState, policyState, promptState, providerState } from './testing/ai-state-builders';
import { buildTenantAiConfig } from './tenant-ai-config';

const openai = providerState({ providerId: 'p-openai', type: 'openai', baseUrl: 'https://api.openai.com/v1' });
const anthropic = providerState({ providerId: 'p-claude', type: 'anthropic', baseUrl: 'https://api.anthropic.com', apiVersion: '2023-06-01' });
const gpt = modelState({ modelId: 'm-gpt', name: 'gpt-4o', providerId: 'p-openai' });
const claude = modelState({ modelId: 'm-claude', name: 'claude-sonnet', providerId: 'p-claude', upstreamModel: 'claude-sonnet-4-20250514', maxOutputTokens: 8192 });
const smart = policyState({
  policyId: 'pol-smart',
  model: 'smart',
  targets: [
    { providerId: 'p-claude', modelId: 'm-claude', weight: 1 },
    { providerId: 'p-openai', modelId: 'm-gpt', weight: 0 },
  ],
  retries: 1,
  timeoutMs: 5_000,
});
const sentiment = promptState({ routeId: 'r-sentiment', path: '/ai/sentiment', model: 'smart' });

const entry = (state: typeof openai, apiKey: string | null = `key-${state.providerId}`): ProviderEntry => ({ state, apiKey, credentialError: apiKey === null ? 'wrapped secret does not open' : null });

function records(parts: { providers?: ProviderEntry[]; models?: (typeof gpt)[]; policies?: (typeof smart)[]; prompts?: (typeof sentiment)[] }): TenantAiRecords {
  const result = emptyTenantRecords();
  for (const provider of parts.providers ?? []) result.providers.set(`provider:${provider.state.providerId}`, provider);
  for (const model of parts.models ?? []) result.models.set(`model:${model.modelId}`, model);
  for (const policy of parts.policies ?? []) result.policies.set(`policy:${policy.policyId}`, policy);
  for (const prompt of parts.prompts ?? []) result.prompts.set(`prompt:${prompt.routeId}`, prompt);
  return result;
}

describe('buildTenantAiConfig', () => {
  it('maps catalog records to the engine configuration, ids to the names clients send', () => {
    const { config, skipped } = buildTenantAiConfig(records({ providers: [entry(openai), entry(anthropic)], models: [gpt, claude], policies: [smart], prompts: [sentiment] }));
    expect(skipped).toEqual([]);
    expect(config.providers).toEqual([
      { id: 'p-claude', type: 'anthropic', baseUrl: 'https://api.anthropic.com', apiKey: 'key-p-claude', apiVersion: '2023-06-01' },
      { id: 'p-openai', type: 'openai', baseUrl: 'https://api.openai.com/v1', apiKey: 'key-p-openai' },
    ]);
    expect(config.models).toContainEqual({ id: 'claude-sonnet', provider: 'p-claude', upstreamModel: 'claude-sonnet-4-20250514', contextWindow: 128_000, maxOutputTokens: 8192, capabilities: ['chat', 'tools', 'json'], prices: gpt.prices });
    expect(config.policies).toEqual([
      { model: 'smart', targets: [{ provider: 'p-claude', model: 'claude-sonnet', weight: 1 }, { provider: 'p-openai', model: 'gpt-4o', weight: 0 }], retries: 1, timeoutMs: 5_000 },
    ]);
    expect(config.promptApis).toEqual([
      expect.objectContaining({ id: 'r-sentiment', path: '/ai/sentiment', model: 'smart', version: 'v1', title: 'Sentiment', responseFormat: 'json', outputSchema: sentiment.outputSchema }),
    ]);
    expect(config.promptApis![0]).not.toHaveProperty('description');
    expect(() => parseAiConfig(config)).not.toThrow();
  });

  it('leaves out what references records not arrived yet, and takes them in once they are', () => {
    const early = buildTenantAiConfig(records({ providers: [entry(openai)], models: [gpt, claude], policies: [smart], prompts: [sentiment, promptState({ routeId: 'r-x', path: '/ai/x', model: 'unknown-model' })] }));
    expect(early.config.models!.map((model) => model.id)).toEqual(['gpt-4o']);
    expect(early.config.policies).toEqual([{ model: 'smart', targets: [{ provider: 'p-openai', model: 'gpt-4o', weight: 0 }], retries: 1, timeoutMs: 5_000 }]);
    expect(early.config.promptApis!.map((prompt) => prompt.id)).toEqual(['r-sentiment']);
    expect(early.skipped).toEqual([
      'model claude-sonnet (m-claude): provider p-claude is not available',
      'policy smart (pol-smart): target 0 (provider p-claude, model m-claude) is not available',
      'prompt /ai/x (r-x): model unknown-model is not available',
    ]);
    expect(() => parseAiConfig(early.config)).not.toThrow();

    const modelsOnly = buildTenantAiConfig(records({ models: [gpt], policies: [smart], prompts: [sentiment] }));
    expect(modelsOnly.config).toEqual({ providers: [], models: [], policies: [], promptApis: [] });
    expect(modelsOnly.skipped).toContain('policy smart (pol-smart): no target is available');
  });

  it('leaves out a provider whose credential did not open, with what needs it', () => {
    const { config, skipped } = buildTenantAiConfig(records({ providers: [entry(openai, null), entry(anthropic)], models: [gpt, claude], policies: [smart] }));
    expect(config.providers!.map((provider) => provider.id)).toEqual(['p-claude']);
    expect(config.models!.map((model) => model.id)).toEqual(['claude-sonnet']);
    expect(config.policies![0]!.targets).toEqual([{ provider: 'p-claude', model: 'claude-sonnet', weight: 1 }]);
    expect(skipped[0]).toBe('provider p-openai: wrapped secret does not open');
  });

  it('keeps the newest record of a name while the tombstone of a deleted one is on its way', () => {
    const older = modelState({ modelId: 'm-old', name: 'gpt-4o', providerId: 'p-openai', upstreamModel: 'gpt-4o-2024-05-13', updatedAt: '2026-01-01T00:00:00.000Z' });
    const newer = modelState({ modelId: 'm-new', name: 'gpt-4o', providerId: 'p-openai', upstreamModel: 'gpt-4o-2024-08-06', updatedAt: '2026-02-01T00:00:00.000Z' });
    const policy = policyState({ policyId: 'pol', model: 'fast', targets: [{ providerId: 'p-openai', modelId: 'm-old', weight: 1 }, { providerId: 'p-openai', modelId: 'm-new', weight: 1 }] });
    const { config } = buildTenantAiConfig(records({ providers: [entry(openai)], models: [newer, older], policies: [policy] }));
    expect(config.models).toEqual([expect.objectContaining({ id: 'gpt-4o', upstreamModel: 'gpt-4o-2024-08-06' })]);
    expect(config.policies![0]!.targets).toEqual([{ provider: 'p-openai', model: 'gpt-4o', weight: 1 }]);
    expect(() => parseAiConfig(config)).not.toThrow();
  });

  it('gives a provider without a credential an empty key', () => {
    const local = providerState({ providerId: 'p-ollama', type: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1' });
    const { config } = buildTenantAiConfig(records({ providers: [entry(local, '')] }));
    expect(config.providers).toEqual([{ id: 'p-ollama', type: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1', apiKey: '' }]);
  });
});

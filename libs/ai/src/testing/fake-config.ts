import type { AiConfigInput, ProviderType } from '../config/ai-config';
import type { FakeProvider } from './fake-server';

const usd = (input: number, output: number, cached: number | null) => ({ input, output, cached, currency: 'USD' });

/**
 * A configuration serving one catalog model per fake provider (and an embeddings model where
 * the provider has embeddings), with prices whose costs the specs compute by hand.
 */
export function fakeAiConfig(fakes: Partial<Record<ProviderType, FakeProvider>>): AiConfigInput {
  const providers = Object.values(fakes).map((fake) => ({
    id: fake!.type,
    type: fake!.type,
    baseUrl: fake!.baseUrl,
    apiKey: fake!.apiKey,
    ...(fake!.type === 'azure-openai' ? { deployment: 'gpt-4o-prod', apiVersion: '2024-10-21' } : {}),
  }));
  const chat = ['chat', 'tools', 'vision', 'json'] as const;
  const all = [
    { id: 'gpt-4o', provider: 'openai', upstreamModel: 'gpt-4o', contextWindow: 128_000, capabilities: [...chat], prices: usd(2.5, 10, 1.25) },
    { id: 'text-embedding-3-small', provider: 'openai', upstreamModel: 'text-embedding-3-small', contextWindow: 8191, capabilities: ['embeddings' as const], prices: usd(0.02, 0, null) },
    { id: 'azure-gpt-4o', provider: 'azure-openai', upstreamModel: 'gpt-4o', contextWindow: 128_000, capabilities: [...chat], prices: usd(2.5, 10, 1.25) },
    { id: 'azure-embedding', provider: 'azure-openai', upstreamModel: 'text-embedding-3-small', contextWindow: 8191, capabilities: ['embeddings' as const], prices: usd(0.02, 0, null) },
    { id: 'claude-sonnet', provider: 'anthropic', upstreamModel: 'claude-sonnet-4-20250514', contextWindow: 200_000, maxOutputTokens: 8192, capabilities: [...chat], prices: usd(3, 15, 0.3) },
    { id: 'gemini-flash', provider: 'gemini', upstreamModel: 'gemini-2.0-flash', contextWindow: 1_048_576, capabilities: [...chat], prices: usd(0.1, 0.4, 0.025) },
    { id: 'gemini-embedding', provider: 'gemini', upstreamModel: 'text-embedding-004', contextWindow: 2048, capabilities: ['embeddings' as const], prices: usd(0.15, 0, null) },
    { id: 'mistral-small', provider: 'mistral', upstreamModel: 'mistral-small-latest', contextWindow: 32_000, capabilities: [...chat], prices: usd(0.1, 0.3, null) },
    { id: 'mistral-embed', provider: 'mistral', upstreamModel: 'mistral-embed', contextWindow: 8192, capabilities: ['embeddings' as const], prices: usd(0.1, 0, null) },
    { id: 'command-r-plus', provider: 'cohere', upstreamModel: 'command-r-plus-08-2024', contextWindow: 128_000, capabilities: ['chat' as const, 'tools' as const], prices: usd(2.5, 10, null) },
    { id: 'cohere-embed', provider: 'cohere', upstreamModel: 'embed-english-v3.0', contextWindow: 512, capabilities: ['embeddings' as const], prices: usd(0.1, 0, null) },
    { id: 'llama3.2', provider: 'openai-compatible', upstreamModel: 'llama3.2', contextWindow: 2048, capabilities: [...chat], prices: null },
    { id: 'all-minilm', provider: 'openai-compatible', upstreamModel: 'all-minilm', contextWindow: 512, capabilities: ['embeddings' as const], prices: null },
  ];
  const present = new Set<string>(providers.map((provider) => provider.id));
  return { providers, models: all.filter((model) => present.has(model.provider)), policies: [], promptApis: [] };
}

import { describe, expect, it } from 'vitest';
import { parseAiConfig } from './ai-config';

const base = {
  providers: [{ id: 'openai', type: 'openai', baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-secret-value' }],
  models: [{ id: 'gpt-4o', provider: 'openai', upstreamModel: 'gpt-4o', contextWindow: 128000, capabilities: ['chat'], prices: null }],
};

describe('parseAiConfig', () => {
  it('applies policy defaults', () => {
    const config = parseAiConfig({ ...base, policies: [{ model: 'smart', targets: [{ provider: 'openai', model: 'gpt-4o', weight: 1 }] }] });
    expect(config.policies[0]).toMatchObject({ retries: 0, timeoutMs: 60000 });
    expect(config.promptApis).toEqual([]);
  });

  it('names every broken reference, never the credential', () => {
    const attempt = () =>
      parseAiConfig({
        ...base,
        models: [...base.models, { ...base.models[0], id: 'x', provider: 'nope' }],
        policies: [{ model: 'smart', targets: [{ provider: 'ghost', model: 'missing', weight: 1 }] }],
      });
    expect(attempt).toThrow(/models\.1\.provider: unknown provider 'nope'/);
    expect(attempt).toThrow(/policies\.0\.targets\.0\.provider: unknown provider 'ghost'/);
    expect(attempt).toThrow(/policies\.0\.targets\.0\.model: unknown model 'missing'/);
    expect(attempt).not.toThrow(/sk-secret-value/);
  });

  it('refuses a prompt template that uses an undeclared variable', () => {
    const promptApis = [{ id: 'p', path: '/ai/p', model: 'gpt-4o', messages: [{ role: 'user', content: '{{text}} {{other}}' }], variables: [{ name: 'text', type: 'string' }] }];
    expect(() => parseAiConfig({ ...base, promptApis })).toThrow("promptApis.0.messages.0.content: placeholder '{{other}}' is not a declared variable");
  });

  it('refuses prices with a malformed currency and duplicate ids', () => {
    expect(() => parseAiConfig({ ...base, models: [{ ...base.models[0], prices: { input: 1, output: 1, cached: null, currency: 'usd' } }] })).toThrow(/models\.0\.prices\.currency/);
    expect(() => parseAiConfig({ ...base, providers: [base.providers[0], base.providers[0]] })).toThrow(/providers\.1\.id: duplicate id 'openai'/);
  });
});

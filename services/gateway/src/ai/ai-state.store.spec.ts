import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AiHandler, UpstreamClient } from '@gatehouse/ai';
import { type TransportSecret, wrapSecret } from '@gatehouse/auth';
import { AiModelStateV1, AiPolicyStateV1, AiProviderStateV1, type EventDefinition, PromptStateV1 } from '@gatehouse/contracts';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AiProviderState } from './ai-records';
import { AiMetrics } from './ai-metrics';
import { AiStateStore } from './ai-state.store';
import { ProviderCredentials } from './provider-credentials';
import { modelState, policyState, promptState, providerState } from './testing/ai-state-builders';

const transport: TransportSecret = { id: 'gw-unit', key: new Uint8Array(randomBytes(32)) };

function record(definition: EventDefinition, data: object | null, key: string) {
  return { definition, key, envelope: data === null ? null : ({ data } as never) };
}

/** Model names a handler lists on `GET /v1/models` (no socket: the response is captured). */
async function modelNames(handler: AiHandler | undefined): Promise<string[]> {
  if (handler === undefined) return [];
  let body = '';
  const res = { headersSent: false, writableEnded: false, writeHead: () => res, setHeader: () => res, end: (text: string) => void (body = text) };
  await handler({ url: '/v1/models', method: 'GET', headers: {} } as IncomingMessage, res as unknown as ServerResponse);
  return (JSON.parse(body) as { data: Array<{ id: string }> }).data.map((model) => model.id).sort();
}

describe('AiStateStore', () => {
  let registry: Registry;
  let opened: string[];
  let store: AiStateStore;
  const upstream: UpstreamClient = { send: () => Promise.reject(new Error('no provider in unit specs')), close: vi.fn(async () => undefined) };

  const provider = async (state: Omit<AiProviderState, 'credential'>, secret = `sk-${state.providerId}`, subject = `provider:${state.providerId}`) =>
    record(AiProviderStateV1, { ...state, credential: await wrapSecret(secret, 'gateway', transport, subject) }, `provider:${state.providerId}`);

  beforeEach(() => {
    registry = new Registry();
    opened = [];
    const credentials = new ProviderCredentials([transport]);
    store = new AiStateStore({
      credentials: { open: (state) => (opened.push(state.providerId), credentials.open(state)) },
      metrics: new AiMetrics(registry),
      upstream,
    });
  });
  afterEach(() => vi.useRealTimers());

  const metric = async (name: string) => (await registry.getSingleMetric(name)!.get()).values;

  it('builds nothing while replaying, then one handler per tenant from records in any order', async () => {
    await store.apply(record(PromptStateV1, promptState({ routeId: 'r-sent', path: '/ai/sentiment', model: 'smart' }), 'prompt:r-sent'));
    await store.apply(record(AiPolicyStateV1, policyState({ policyId: 'pol', model: 'smart', targets: [{ providerId: 'p-claude', modelId: 'm-claude', weight: 1 }, { providerId: 'p-openai', modelId: 'm-gpt', weight: 0 }] }), 'policy:pol'));
    await store.apply(record(AiModelStateV1, modelState({ modelId: 'm-gpt', name: 'gpt-4o', providerId: 'p-openai' }), 'model:m-gpt'));
    await store.apply(record(AiModelStateV1, modelState({ modelId: 'm-claude', name: 'claude-sonnet', providerId: 'p-claude' }), 'model:m-claude'));
    await store.apply(record(AiModelStateV1, modelState({ tenantId: 'globex', modelId: 'm-globex', name: 'gpt-4o', providerId: 'p-globex' }), 'model:m-globex'));
    await store.apply(await provider(providerState({ providerId: 'p-openai', type: 'openai', baseUrl: 'https://api.openai.com/v1' })));
    await store.apply(await provider(providerState({ providerId: 'p-claude', type: 'anthropic', baseUrl: 'https://api.anthropic.com' })));
    await store.apply(await provider(providerState({ tenantId: 'globex', providerId: 'p-globex', type: 'openai', baseUrl: 'https://globex.example/v1' })));
    expect(store.handlerFor('acme')).toBeUndefined();

    store.flush();
    expect(await modelNames(store.handlerFor('acme'))).toEqual(['claude-sonnet', 'gpt-4o', 'smart']);
    expect(await modelNames(store.handlerFor('globex'))).toEqual(['gpt-4o']);
    expect(store.handlerFor('acme')!.upstream).toBe(upstream);
    expect(store.handlerFor('globex')!.upstream).toBe(upstream);
    expect(store.view((tenant) => tenant === 'globex')).toEqual([
      { tenantId: 'globex', serving: true, providers: ['p-globex'], models: ['gpt-4o'], policies: [], prompts: [], skipped: [], buildError: null },
    ]);
    expect(await metric('gateway_ai_tenants')).toMatchObject([{ value: 2 }]);
  });

  it('opens a credential once per record and leaves out a provider whose credential belongs to another', async () => {
    const openai = providerState({ providerId: 'p-openai', type: 'openai', baseUrl: 'https://api.openai.com/v1' });
    const first = await provider(openai);
    await store.apply(first);
    await store.apply(record(AiProviderStateV1, { ...(first.envelope as unknown as { data: AiProviderState }).data, name: 'renamed' }, 'provider:p-openai'));
    expect(opened).toEqual(['p-openai']);
    await store.apply(await provider(openai, 'sk-rotated'));
    expect(opened).toEqual(['p-openai', 'p-openai']);

    await store.apply(await provider(providerState({ providerId: 'p-stolen', type: 'openai', baseUrl: 'https://api.openai.com/v1' }), 'sk-x', 'provider:p-openai'));
    store.flush();
    const [acme] = store.view(() => true);
    expect(acme!.providers).toEqual(['p-openai', 'p-stolen']);
    expect(acme!.skipped).toEqual(['provider p-stolen: wrapped secret belongs to provider:p-openai, not to provider:p-stolen']);
    expect(JSON.stringify(acme)).not.toContain('sk-');
    expect(await metric('gateway_ai_credential_errors_total')).toMatchObject([{ value: 1 }]);
  });

  it('rebuilds a changed tenant once per burst on the same upstream, leaving other tenants alone', async () => {
    await store.apply(await provider(providerState({ providerId: 'p-openai', type: 'openai', baseUrl: 'https://api.openai.com/v1' })));
    await store.apply(await provider(providerState({ tenantId: 'globex', providerId: 'p-globex', type: 'openai', baseUrl: 'https://globex.example/v1' })));
    store.flush();
    const acme = store.handlerFor('acme');
    const globex = store.handlerFor('globex');
    vi.useFakeTimers();
    await store.apply(record(AiModelStateV1, modelState({ modelId: 'm-1', name: 'gpt-4o', providerId: 'p-openai' }), 'model:m-1'));
    await store.apply(record(AiModelStateV1, modelState({ modelId: 'm-2', name: 'gpt-4o-mini', providerId: 'p-openai' }), 'model:m-2'));
    expect(store.handlerFor('acme')).toBe(acme);
    vi.advanceTimersByTime(25);
    expect(store.handlerFor('acme')).not.toBe(acme);
    expect(store.handlerFor('acme')!.upstream).toBe(acme!.upstream);
    expect(store.handlerFor('globex')).toBe(globex);
    expect(await modelNames(store.handlerFor('acme'))).toEqual(['gpt-4o', 'gpt-4o-mini']);
    expect(await metric('gateway_ai_config_builds_total')).toEqual([expect.objectContaining({ labels: { outcome: 'built' }, value: 3 })]);

    await store.apply(record(AiModelStateV1, null, 'model:m-2'));
    vi.advanceTimersByTime(25);
    expect(await modelNames(store.handlerFor('acme'))).toEqual(['gpt-4o']);
    await store.apply(record(AiProviderStateV1, null, 'provider:p-openai'));
    vi.advanceTimersByTime(25);
    expect(store.handlerFor('acme')).toBeUndefined();
    expect(store.view(() => true).map((view) => [view.tenantId, view.serving])).toEqual([
      ['acme', false],
      ['globex', true],
    ]);
  });

  it('keeps the previous handler when a tenant configuration is refused, and says why', async () => {
    await store.apply(await provider(providerState({ providerId: 'p-openai', type: 'openai', baseUrl: 'https://api.openai.com/v1' })));
    await store.apply(record(AiModelStateV1, modelState({ modelId: 'm-1', name: 'gpt-4o', providerId: 'p-openai' }), 'model:m-1'));
    store.flush();
    const serving = store.handlerFor('acme');
    const broken = promptState({ routeId: 'r-bad', path: '/ai/bad', model: 'gpt-4o', messages: [{ role: 'user', content: 'Say {{tone}}' }], variables: [] });
    await store.apply(record(PromptStateV1, broken, 'prompt:r-bad'));
    store.flush();
    expect(store.handlerFor('acme')).toBe(serving);
    expect(store.view(() => true)[0]!.buildError).toContain("placeholder '{{tone}}' is not a declared variable");
    expect(await metric('gateway_ai_config_builds_total')).toContainEqual(expect.objectContaining({ labels: { outcome: 'failed' }, value: 1 }));
  });

  it('closes the shared provider pools once', async () => {
    await store.close();
    expect(upstream.close).toHaveBeenCalledTimes(1);
  });
});

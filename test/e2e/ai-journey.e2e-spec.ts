import { startFakeProvider, type FakeProvider } from '@gatehouse/ai/testing';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient, clientCredentials } from './support/http';
import { eventually, startTestPlatform, type TestPlatform } from './support/platform';

// Prices per million tokens; the fake OpenAI answers with the recorded usage of its fixtures.
const prices = { input: 2.5, output: 10, cached: 1.25, currency: 'USD' };
// chat.json: 2006 prompt tokens of which 1920 cached, 300 completion tokens.
const chatCost = 86 * 2.5 + 1920 * 1.25 + 300 * 10;
// chat-json.json (a JSON answer, as the prompt API asks for): 60 prompt, 12 completion tokens.
const promptCost = 60 * 2.5 + 12 * 10;

/**
 * An AI API and a prompt API published in the catalog, called through the gateway with the
 * official `openai` SDK: tokens and cost reach metering, computed from the catalog's prices.
 */
describe('an AI route and a prompt API through the whole platform', () => {
  let platform: TestPlatform;
  let provider: FakeProvider;
  let catalog: AdminClient;
  let metering: AdminClient;
  const tenant = 'llmco';
  let app: { id: string; secret: string };
  let aiApi: { id: string; audience: string };
  let promptApi: { id: string; audience: string };

  const token = (audience: string) => clientCredentials(platform.urls.identity, app.id, app.secret, { resource: audience }).then((answer) => answer.access_token);

  async function publishAndSubscribe(api: { id: string }, version: Record<string, unknown>) {
    await catalog.post(`/apis/${api.id}/versions`, version);
    const plan = await catalog.post(`/apis/${api.id}/plans`, { name: 'tokens', quotas: [{ metric: 'tokens', limit: 1_000_000, period: 'day', warnAt: null }] });
    await catalog.post(`/apis/${api.id}/versions/${version.version}/publish`, {});
    const subscription = await eventually(
      () => catalog.request('POST', `/apis/${api.id}/subscriptions`, { applicationId: app.id, planId: plan.id }, [201, 404]).then((body) => (body?.id ? body : undefined)),
      'catalog sees the application',
    );
    await catalog.post(`/subscriptions/${subscription.value.id}/approve`, {});
  }

  beforeAll(async () => {
    provider = await startFakeProvider('openai');
    platform = await startTestPlatform('ai-journey');
    const identity = new AdminClient(platform.urls.identity, platform.adminToken);
    catalog = new AdminClient(platform.urls.catalog, platform.adminToken);
    metering = new AdminClient(platform.urls.metering, platform.adminToken);

    await identity.post('/admin/tenants', { id: tenant, name: 'LLM Co' });
    const team = await identity.post(`/admin/tenants/${tenant}/teams`, { name: 'ml' });
    const application = await identity.post(`/admin/tenants/${tenant}/applications`, { teamId: team.id, name: 'assistant', allowedScopes: [], requireEncryptedTokens: false });
    const secret = await identity.post(`/admin/tenants/${tenant}/applications/${application.id}/credentials/secrets`, {});
    app = { id: application.id, secret: secret.clientSecret };

    const created = await eventually(
      () =>
        catalog
          .request('POST', '/ai/providers', { teamId: team.id, name: 'fake-openai', type: 'openai', baseUrl: provider.baseUrl, credential: provider.apiKey }, [201, 404])
          .then((body) => (body?.id ? body : undefined)),
      'catalog sees the team',
    );
    expect(JSON.stringify(created.value)).not.toContain(provider.apiKey);
    await catalog.post('/ai/models', { teamId: team.id, name: 'house-gpt', providerId: created.value.id, upstreamModel: 'gpt-4o', contextWindow: 128_000, capabilities: ['chat', 'json', 'tools'], prices });

    const ai = await catalog.post('/apis', { teamId: team.id, name: 'Assistant', kind: 'ai', visibility: 'tenant' });
    aiApi = { id: ai.id, audience: ai.audience };
    await publishAndSubscribe(aiApi, { version: 'v1', basePath: '/llm' });

    const prompt = await catalog.post('/apis', { teamId: team.id, name: 'Sentiment', kind: 'prompt', visibility: 'tenant' });
    promptApi = { id: prompt.id, audience: prompt.audience };
    await publishAndSubscribe(promptApi, {
      version: 'v1',
      basePath: '/prompts',
      prompt: {
        path: '/sentiment',
        model: 'house-gpt',
        system: 'You classify sentiment. Answer as JSON.',
        template: 'Text: {{text}}',
        variables: [{ name: 'text', type: 'string', maxLength: 2000 }],
        parameters: { temperature: 0, max_tokens: 50 },
        responseFormat: 'json',
      },
    });
  }, 300_000);

  afterAll(async () => {
    await platform?.stop();
    await provider?.close();
  });

  it('answers chat completions from the openai SDK through the gateway, with the provider key never leaving the platform', async () => {
    const accessToken = await eventually(() => token(aiApi.audience).catch(() => undefined), 'identity grants the AI audience');
    const client = new OpenAI({ baseURL: `${platform.urls.gateway}/llm/v1`, apiKey: accessToken.value, maxRetries: 0 });
    const completion = await eventually(
      () => client.chat.completions.create({ model: 'house-gpt', messages: [{ role: 'user', content: 'Say hello' }] }).catch(() => undefined),
      'AI route served',
      30_000,
      200,
    );
    expect(completion.value.choices[0]?.message.content).toBeTruthy();
    expect(completion.value.usage).toMatchObject({ prompt_tokens: 2006, completion_tokens: 300 });
    const upstreamRequest = provider.requests.at(-1)!;
    expect(JSON.stringify(upstreamRequest)).toContain('gpt-4o');
    expect(JSON.stringify(upstreamRequest)).not.toContain(accessToken.value);
  });

  it('serves the prompt API to the openai SDK (its documented call for endpoints beyond the typed ones) and refuses a missing variable', async () => {
    const accessToken = await token(promptApi.audience);
    provider.behavior = { fixture: 'chat-json' };
    const client = new OpenAI({ baseURL: `${platform.urls.gateway}/prompts`, apiKey: accessToken, maxRetries: 0 });
    const call = (body: Record<string, unknown>) => client.post<{ model: string; output: unknown; usage: Record<string, unknown> }>('/sentiment', { body });
    // Retries only while the route is not yet known to the gateway: every other answer counts.
    const { value: answer } = await eventually(
      () => call({ text: 'I love this product' }).catch((error: unknown) => (error instanceof OpenAI.NotFoundError ? undefined : Promise.reject(error))),
      'prompt API routable',
      30_000,
      200,
    );
    expect(answer).toMatchObject({ model: 'house-gpt', usage: { prompt_tokens: 60, completion_tokens: 12, total_tokens: 72, cost_micros: promptCost, currency: 'USD' } });
    expect(answer.output).toBeDefined();
    const missing = await call({}).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(OpenAI.BadRequestError);
    expect(missing).toMatchObject({ status: 400, code: 'invalid_variable', param: 'text' });
  });

  it('meters tokens and cost by model from the catalog prices', async () => {
    const from = new Date(Date.now() - 3600_000).toISOString();
    const { value: row } = await eventually(async () => {
      const answer = await metering.get(`/usage?tenant=${tenant}&from=${encodeURIComponent(from)}&granularity=day&groupBy=model,api`);
      const rows = answer.rows as Array<{ model: string | null; apiId: string; promptTokens: number; completionTokens: number; cachedTokens: number; costMicros: number; requests: number }>;
      const chat = rows.find((candidate) => candidate.apiId === aiApi.id && candidate.model === 'house-gpt');
      const prompt = rows.find((candidate) => candidate.apiId === promptApi.id && candidate.model === 'house-gpt');
      return chat && prompt ? { chat, prompt } : undefined;
    }, 'AI usage in metering', 30_000, 200);
    expect(row.chat).toMatchObject({ promptTokens: 2006, completionTokens: 300, cachedTokens: 1920, costMicros: chatCost });
    expect(row.prompt).toMatchObject({ promptTokens: 60, completionTokens: 12, costMicros: promptCost });
  });
});

import { validate } from '@readme/openapi-parser';
import { PromptStateV1, RouteStateV1, SubscriptionStateV1, Topics } from '@gatehouse/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, expectStatus, unique } from '../testing/catalog-builders';
import { CatalogHarness, eventually } from '../testing/catalog-harness';
import { aiEnv, aiName, createModel, createPolicy, createProvider } from './testing/ai-builders';

const PROVIDER_URL = 'http://127.0.0.1:9/v1';

const sentimentPrompt = (model: string) => ({
  path: '/sentiment',
  model,
  system: 'You classify sentiment. Answer in {{language}} as JSON.',
  template: 'Text: {{text}}',
  variables: [
    { name: 'text', type: 'string', maxLength: 4000, description: 'The text to classify' },
    { name: 'language', type: 'enum', values: ['en', 'fr'], default: 'en', required: false },
  ],
  parameters: { temperature: 0, max_tokens: 50 },
  responseFormat: 'json',
  outputSchema: { type: 'object', required: ['sentiment'], properties: { sentiment: { type: 'string', enum: ['positive', 'neutral', 'negative'] } } },
  title: 'Sentiment',
});

const openApiErrors = async (document: unknown) => {
  const result = await validate(structuredClone(document) as never, { resolve: { external: false } });
  return result.valid ? [] : result.errors.map((error) => error.message);
};

describe('AI and prompt APIs: versioned, published, subscribed to and limited like any API', () => {
  let catalog: CatalogHarness;
  let team: string;
  let admin: string;
  let globex: string;
  let globexTeam: string;
  let model: { id: string; name: string };
  let provider: { id: string };

  const routesOf = (apiId: string) => catalog.collector.ofType(RouteStateV1.type).filter((event) => event.data.apiId === apiId);
  const promptsOf = (apiId: string) => catalog.collector.ofType(PromptStateV1.type).filter((event) => event.data.apiId === apiId);

  beforeAll(async () => {
    catalog = await CatalogHarness.start('catalog-ai-apis', aiEnv().env);
    team = await catalog.team('acme');
    globexTeam = await catalog.team('globex');
    admin = await catalog.token({ tenant: 'acme', teams: { [team]: 'owner' } });
    globex = await catalog.token({ tenant: 'globex', teams: { [globexTeam]: 'owner' } });
    provider = await createProvider(catalog, admin, { teamId: team, type: 'openai-compatible', baseUrl: PROVIDER_URL });
    model = await createModel(catalog, admin, { teamId: team, providerId: provider.id, name: aiName('gpt-4o-mini'), prices: { input: 0.15, output: 0.6, currency: 'USD' } });
  });

  afterAll(async () => {
    await catalog?.close();
  });

  it('publishes an ai API: OpenAI-compatible routes of kind ai under its base path, subscribed to under a token quota', async () => {
    const apiId = await createApi(catalog, admin, { teamId: team, kind: 'ai', visibility: 'tenant', scopes: ['ai:chat'] });
    expect((await expectStatus(catalog.call('GET', `/apis/${apiId}`, { token: admin }), 200)).kind).toBe('ai');
    const basePath = `/${unique('llm')}`;
    const draft = await expectStatus(catalog.call('POST', `/apis/${apiId}/versions`, { token: admin, json: { version: 'v1', basePath, auth: { methods: ['bearer', 'api_key'] } } }), 201);
    expect(draft).toMatchObject({ kind: 'ai', state: 'draft', routesDeclared: true, openapi: { openapi: '3.1.0', format: 'json' } });
    expect(draft.routes.map((route: { path: string; methods: string[] }) => `${route.methods.join(',')} ${route.path}`).sort()).toEqual(
      [`POST ${basePath}/v1/chat/completions`, `POST ${basePath}/v1/embeddings`, `GET ${basePath}/v1/models`, `GET ${basePath}/v1/models/{model}`].sort(),
    );
    const document = await expectStatus(catalog.call('GET', `/apis/${apiId}/versions/v1/openapi`, { token: admin }), 200);
    expect(await openApiErrors(document)).toEqual([]);
    expect(document.servers).toEqual([{ url: basePath, description: 'Gatehouse gateway' }]);

    expect((await expectStatus(catalog.call('POST', `/apis/${apiId}/versions`, { token: admin, json: { version: 'v2', basePath: '/x', upstream: { targets: [{ url: 'http://x', weight: 1 }] } } }), 400)).message).toMatch(
      /Unrecognized key: "upstream"/,
    );
    expect((await expectStatus(catalog.call('PUT', `/apis/${apiId}/versions/v1/openapi`, { token: admin, text: 'openapi: 3.1.0' }), 409)).message).toBe('the OpenAPI document of an ai version is generated');

    const plan = await expectStatus(catalog.call('POST', `/apis/${apiId}/plans`, { token: admin, json: { name: 'tokens', rateLimit: { requests: 10, per: 'second' }, quotas: [{ metric: 'tokens', limit: 1_000_000, period: 'month', warnAt: 0.8 }, { metric: 'cost', limit: 5_000_000, period: 'month', warnAt: null }], currency: 'USD' } }), 201);
    const published = await expectStatus(catalog.call('POST', `/apis/${apiId}/versions/v1/publish`, { token: admin }), 200);
    expect(published).toMatchObject({ state: 'published', publishable: true });
    await eventually(() => routesOf(apiId).length === 4, 'ai route states');
    for (const route of routesOf(apiId)) {
      expect(route.data).toMatchObject({
        kind: 'ai',
        stripPrefix: basePath,
        upstream: { targets: [{ url: PROVIDER_URL, weight: 1 }], retries: { attempts: 0, backoffMs: 0 } },
        auth: { methods: ['bearer', 'api_key'], scopes: [] },
        lifecycle: { state: 'published' },
      });
    }

    const consumerTeam = await catalog.team('acme');
    const app = await catalog.application('acme', consumerTeam);
    const consumer = await catalog.token({ tenant: 'acme', teams: { [consumerTeam]: 'admin' } });
    const subscription = await expectStatus(catalog.call('POST', `/apis/${apiId}/subscriptions`, { token: consumer, json: { applicationId: app, planId: plan.id } }), 201);
    await expectStatus(catalog.call('POST', `/subscriptions/${subscription.id}/approve`, { token: admin }), 200);
    await eventually(() => catalog.collector.ofType(SubscriptionStateV1.type).some((event) => event.data.subscriptionId === subscription.id && event.data.status === 'approved'), 'approved subscription state');
  });

  it('refuses to publish an ai API while its tenant has no AI provider', async () => {
    const lonelyTeam = await catalog.team('initech');
    const owner = await catalog.token({ tenant: 'initech', teams: { [lonelyTeam]: 'owner' } });
    const apiId = await createApi(catalog, owner, { teamId: lonelyTeam, kind: 'ai' });
    await expectStatus(catalog.call('POST', `/apis/${apiId}/versions`, { token: owner, json: { version: 'v1', basePath: `/${unique('llm')}` } }), 201);
    const dryRun = await expectStatus(catalog.call('POST', `/apis/${apiId}/versions/v1/publish`, { token: owner, json: { dryRun: true } }), 200);
    expect(dryRun).toMatchObject({ publishable: false, problems: ['version v1 serves AI models but tenant initech has no AI provider yet'] });
    expect(await expectStatus(catalog.call('POST', `/apis/${apiId}/versions/v1/publish`, { token: owner }), 409)).toMatchObject({ error: 'no_ai_provider' });
  });

  it('saves a prompt as a versioned API with a generated OpenAPI document and publishes its prompt state with its route', async () => {
    const apiId = await createApi(catalog, admin, { teamId: team, kind: 'prompt', name: 'Sentiment' });
    const basePath = `/${unique('ai')}`;
    const draft = await expectStatus(catalog.call('POST', `/apis/${apiId}/versions`, { token: admin, json: { version: 'v1', basePath, prompt: sentimentPrompt(model.name) } }), 201);
    expect(draft).toMatchObject({ kind: 'prompt', routes: [{ path: `${basePath}/sentiment`, methods: ['POST'] }] });
    expect(draft.prompt).toMatchObject({
      path: '/sentiment',
      model: model.name,
      messages: [
        { role: 'system', content: 'You classify sentiment. Answer in {{language}} as JSON.' },
        { role: 'user', content: 'Text: {{text}}' },
      ],
      variables: [
        { name: 'text', type: 'string', required: true, maxLength: 4000 },
        { name: 'language', type: 'enum', required: false, values: ['en', 'fr'], default: 'en' },
      ],
    });

    const document = await expectStatus(catalog.call('GET', `/apis/${apiId}/versions/v1/openapi`, { token: admin }), 200);
    expect(await openApiErrors(document)).toEqual([]);
    const operation = document.paths['/sentiment'].post;
    expect(operation.requestBody.content['application/json'].schema).toEqual({
      type: 'object',
      additionalProperties: false,
      properties: {
        text: { type: 'string', description: 'The text to classify', maxLength: 4000 },
        language: { type: 'string', enum: ['en', 'fr'], default: 'en' },
      },
      required: ['text'],
    });
    const answer = operation.responses['200'].content['application/json'].schema;
    expect(answer.required).toEqual(['output', 'model', 'usage']);
    expect(answer.properties.output).toEqual(sentimentPrompt(model.name).outputSchema);
    expect(document.servers).toEqual([{ url: basePath, description: 'Gatehouse gateway' }]);

    await expectStatus(catalog.call('POST', `/apis/${apiId}/versions/v1/publish`, { token: admin }), 200);
    const route = (await eventually(() => routesOf(apiId)[0], 'prompt route state')).data;
    expect(route).toMatchObject({ kind: 'prompt', methods: ['POST'], path: `${basePath}/sentiment`, stripPrefix: basePath, upstream: { targets: [{ url: PROVIDER_URL, weight: 1 }] } });
    const promptMessage = await eventually(() => catalog.collector.on(Topics.aiState).find((message) => message.envelope?.type === PromptStateV1.type && message.envelope.data.apiId === apiId), 'prompt state');
    expect(promptMessage.key).toBe(`prompt:${route.routeId}`);
    expect(promptMessage.envelope!.data).toEqual({
      routeId: route.routeId,
      tenantId: 'acme',
      apiId,
      apiVersionId: draft.id,
      version: 'v1',
      path: `${basePath}/sentiment`,
      model: model.name,
      messages: draft.prompt.messages,
      variables: draft.prompt.variables,
      parameters: { temperature: 0, max_tokens: 50 },
      responseFormat: 'json',
      outputSchema: sentimentPrompt(model.name).outputSchema,
      title: 'Sentiment',
      description: null,
      updatedAt: route.updatedAt,
    });

    const frozen = await expectStatus(catalog.call('PATCH', `/apis/${apiId}/versions/v1`, { token: admin, json: { prompt: { ...sentimentPrompt(model.name), template: 'Changed {{text}}' } } }), 409);
    expect(frozen.message).toBe('version v1 is published: prompt can no longer change (create a new version); only auth, maxBodyBytes and planIds can');
    await expectStatus(catalog.call('PATCH', `/apis/${apiId}/versions/v1`, { token: admin, json: { maxBodyBytes: 65_536 } }), 200);
    expect((await expectStatus(catalog.call('PUT', `/apis/${apiId}/versions/v1/openapi`, { token: admin, text: 'openapi: 3.1.0' }), 409)).message).toMatch(/generated from its prompt and variables/);
    expect((await expectStatus(catalog.call('DELETE', `/ai/models/${model.id}`, { token: admin }), 409)).message).toMatch(`is still used by prompt API ${apiId} version v1 (published)`);

    const policy = await createPolicy(catalog, admin, { teamId: team, model: aiName('careful'), targets: [{ providerId: provider.id, modelId: model.id, weight: 1 }] });
    const v2Base = `/${unique('ai')}`;
    const v2 = await expectStatus(catalog.call('POST', `/apis/${apiId}/versions`, { token: admin, json: { version: 'v2', basePath: v2Base, prompt: { ...sentimentPrompt(policy.model), responseFormat: 'text', outputSchema: null } } }), 201);
    const edited = await expectStatus(catalog.call('PATCH', `/apis/${apiId}/versions/v2`, { token: admin, json: { prompt: { path: '/mood', model: policy.model, template: 'Mood of {{text}}?', variables: [{ name: 'text', type: 'string' }] } } }), 200);
    expect(edited.routes).toEqual([expect.objectContaining({ path: `${v2Base}/mood`, methods: ['POST'] })]);
    expect(Object.keys((await expectStatus(catalog.call('GET', `/apis/${apiId}/versions/v2/openapi`, { token: admin }), 200)).paths)).toEqual(['/mood']);
    await expectStatus(catalog.call('POST', `/apis/${apiId}/versions/v2/publish`, { token: admin }), 200);
    await eventually(() => promptsOf(apiId).some((event) => event.data.apiVersionId === v2.id && event.data.model === policy.model && event.data.path === `${v2Base}/mood`), 'v2 prompt state');

    const sunsetAt = new Date(Date.now() + 86_400_000).toISOString();
    for (const label of ['v1', 'v2']) {
      await expectStatus(catalog.call('POST', `/apis/${apiId}/versions/${label}/deprecate`, { token: admin, json: { sunsetAt } }), 200);
      await expectStatus(catalog.call('POST', `/apis/${apiId}/versions/${label}/retire`, { token: admin }), 200);
    }
    await eventually(() => routesOf(apiId).filter((event) => (event.data.lifecycle as { state: string }).state === 'retired').length === 2, 'retired prompt routes');
    await expectStatus(catalog.call('DELETE', `/ai/models/${model.id}`, { token: admin }), 409);
    await expectStatus(catalog.call('DELETE', `/apis/${apiId}`, { token: admin }), 204);
    const routeIds = [...new Set(routesOf(apiId).map((event) => String(event.data.routeId)))];
    expect(routeIds).toHaveLength(2);
    await eventually(() => routeIds.every((id) => catalog.collector.tombstones(Topics.aiState.name).includes(`prompt:${id}`) && catalog.collector.tombstones(Topics.routeState.name).includes(id)), 'prompt and route tombstones');
    await expectStatus(catalog.call('DELETE', `/ai/policies/${policy.id}`, { token: admin }), 204);
  });

  it('refuses bad prompts with precise 400s and writes nothing', async () => {
    const apiId = await createApi(catalog, admin, { teamId: team, kind: 'prompt' });
    const before = await catalog.snapshot();
    const refuse = async (prompt: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      (await expectStatus(catalog.call('POST', `/apis/${apiId}/versions`, { token: admin, json: { version: 'v1', basePath: '/ai', prompt, ...extra } }), 400)).message;
    const base = sentimentPrompt(model.name);
    expect(await refuse({ ...base, template: 'Text: {{text}} in a {{tone}} tone' })).toBe('prompt.template: placeholder {{tone}} is not a declared variable; declare it in prompt.variables');
    expect(await refuse({ ...base, system: 'Classify.' })).toBe('prompt.variables.1.name: variable language is declared but the template never uses {{language}}');
    expect(await refuse({ ...base, model: 'no-such-model' })).toBe('prompt.model: model no-such-model is neither an AI model nor a routing policy of tenant acme');
    expect(await refuse({ ...base, messages: [{ role: 'user', content: '{{text}}' }] })).toBe('prompt.messages: give either messages or template (with an optional system), not both');
    const { template: _t, system: _s, ...withoutTemplate } = base;
    expect(await refuse(withoutTemplate)).toBe('prompt.template: give the prompt as template (with an optional system) or as messages');
    expect(await refuse({ ...base, variables: [{ name: 'text', type: 'date' }, base.variables[1]] })).toMatch(/^prompt.variables.0.type: /);
    expect(await refuse({ ...base, variables: [{ name: 'text', type: 'string', maxLength: 5, default: 'too long' }, base.variables[1]] })).toBe(
      'prompt.variables.0: variable text: the default is longer than maxLength 5',
    );
    expect(await refuse({ ...base, responseFormat: 'text' })).toBe('prompt.outputSchema: an output schema needs responseFormat json');
    expect(await refuse({ ...base, path: '/{id}' })).toMatch(/^prompt.path: a path of \/ separated segments/);
    expect(await refuse({ ...base, messages: undefined, template: 'x {{text}} {{language}}', parameters: { temperature: 3 } })).toMatch(/^prompt.parameters.temperature: /);
    expect(await refuse(base, { basePath: '/a~b' })).toBe('prompt.path: the full path /a~b/sentiment must be / separated segments of letters, digits, _ . - (check the base path)');
    expect(await refuse(base, { upstream: { targets: [{ url: 'http://x', weight: 1 }] } })).toMatch(/Unrecognized key: "upstream"/);
    expect(await catalog.snapshot()).toEqual(before);
  });

  it('answers 404 to another tenant on every endpoint of ai and prompt APIs, and resolves models only inside the tenant', async () => {
    const apiId = await createApi(catalog, admin, { teamId: team, kind: 'prompt', visibility: 'tenant' });
    await expectStatus(catalog.call('POST', `/apis/${apiId}/versions`, { token: admin, json: { version: 'v1', basePath: `/${unique('ai')}`, prompt: sentimentPrompt(model.name) } }), 201);
    const before = await catalog.snapshot();
    const endpoints: Array<[string, string, unknown?]> = [
      ['GET', `/apis/${apiId}/versions/v1`],
      ['GET', `/apis/${apiId}/versions/v1/openapi`],
      ['POST', `/apis/${apiId}/versions`, { version: 'v2', basePath: '/steal', prompt: sentimentPrompt(model.name) }],
      ['PATCH', `/apis/${apiId}/versions/v1`, { prompt: sentimentPrompt(model.name) }],
      ['POST', `/apis/${apiId}/versions/v1/publish`, {}],
      ['DELETE', `/apis/${apiId}/versions/v1`],
    ];
    for (const [method, path, json] of endpoints) {
      const response = await catalog.call(method, path, { token: globex, ...(json === undefined ? {} : { json }) });
      expect({ method, path, status: response.status }).toEqual({ method, path, status: 404 });
    }
    expect(await catalog.snapshot()).toEqual(before);

    const globexApi = await createApi(catalog, globex, { teamId: globexTeam, kind: 'prompt' });
    const answer = await expectStatus(catalog.call('POST', `/apis/${globexApi}/versions`, { token: globex, json: { version: 'v1', basePath: '/ai', prompt: sentimentPrompt(model.name) } }), 400);
    expect(answer.message).toBe(`prompt.model: model ${model.name} is neither an AI model nor a routing policy of tenant globex`);
  });
});

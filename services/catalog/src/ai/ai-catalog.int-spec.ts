import { transportSecretFromEnv, unwrapSecret } from '@gatehouse/auth';
import { AiModelStateV1, AiPolicyStateV1, AiProviderStateV1, Topics } from '@gatehouse/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus } from '../testing/catalog-builders';
import { CatalogHarness, eventually } from '../testing/catalog-harness';
import { aiEnv, aiName, createModel, createPolicy, createProvider, everyRowAsText, newCredential } from './testing/ai-builders';

describe('AI catalog: providers, models and routing policies', () => {
  let catalog: CatalogHarness;
  let gatewaySecret: ReturnType<typeof transportSecretFromEnv>;
  let team: string;
  let admin: string;
  let developer: string;
  let viewerElsewhere: string;
  let globexTeam: string;
  let globex: string;

  const states = (type: string, key: string) => catalog.collector.on(Topics.aiState).filter((message) => message.key === key && message.envelope?.type === type);
  const latest = async (type: string, key: string, what: string, predicate: (data: any) => boolean = () => true) =>
    (await eventually(() => states(type, key).map((message) => message.envelope!.data as any).filter(predicate).at(-1), what)) as any;

  beforeAll(async () => {
    const { env, gatewaySecret: secret } = aiEnv();
    gatewaySecret = transportSecretFromEnv(secret);
    catalog = await CatalogHarness.start('catalog-ai', env);
    team = await catalog.team('acme');
    const otherTeam = await catalog.team('acme');
    globexTeam = await catalog.team('globex');
    admin = await catalog.token({ tenant: 'acme', teams: { [team]: 'admin' } });
    developer = await catalog.token({ tenant: 'acme', teams: { [team]: 'developer' } });
    viewerElsewhere = await catalog.token({ tenant: 'acme', teams: { [otherTeam]: 'viewer' } });
    globex = await catalog.token({ tenant: 'globex', teams: { [globexTeam]: 'owner' } });
  });

  afterAll(async () => {
    await catalog?.close();
  });

  it('keeps a provider credential sealed at rest, out of every answer, and gives it to the gateway only as a JWE it can open', async () => {
    const credential = newCredential();
    const provider = await createProvider(catalog, admin, { teamId: team, name: aiName('openai-main'), type: 'openai', credential });
    expect(provider).toMatchObject({ tenantId: 'acme', teamId: team, type: 'openai', baseUrl: 'https://api.openai.com/v1', hasCredential: true, credentialFingerprint: expect.stringMatching(/^sha256:[0-9a-f]{12}$/) });
    expect(provider).not.toHaveProperty('credential');
    const answers = [
      provider,
      await expectStatus(catalog.call('GET', `/ai/providers/${provider.id}`, { token: admin }), 200),
      await expectStatus(catalog.call('GET', '/ai/providers', { token: viewerElsewhere }), 200),
      await expectStatus(catalog.call('GET', '/ai/providers?tenant=acme'), 200),
    ];
    for (const answer of answers) expect(JSON.stringify(answer)).not.toContain(credential);

    const state = await latest(AiProviderStateV1.type, `provider:${provider.id}`, 'provider state');
    expect(state).toMatchObject({ providerId: provider.id, tenantId: 'acme', teamId: team, name: provider.name, type: 'openai', baseUrl: 'https://api.openai.com/v1', apiVersion: null, deployment: null });
    expect(state.credential.recipient).toBe('gateway');
    expect(state.credential.jwe.split('.')).toHaveLength(5);
    expect(await unwrapSecret(state.credential, gatewaySecret, { recipient: 'gateway', subject: `provider:${provider.id}` })).toBe(credential);
    const onTopic = JSON.stringify(catalog.collector.on(Topics.aiState));
    expect(onTopic).not.toContain(credential);

    const stored = await everyRowAsText(catalog);
    expect(stored).not.toContain(credential);
    expect(stored).not.toContain(Buffer.from(credential).toString('hex'));
    const [row] = await catalog.rows('select credential_key_id, credential_fingerprint from ai_providers where id = $1', [provider.id]);
    expect(row).toEqual({ credential_key_id: 'mk1', credential_fingerprint: provider.credentialFingerprint });

    const rotated = newCredential();
    const changed = await expectStatus(catalog.call('PATCH', `/ai/providers/${provider.id}`, { token: admin, json: { credential: rotated } }), 200);
    expect(changed.credentialFingerprint).not.toBe(provider.credentialFingerprint);
    expect(JSON.stringify(changed)).not.toContain(rotated);
    const next = await latest(AiProviderStateV1.type, `provider:${provider.id}`, 'rotated provider state', (data) => data.updatedAt === changed.updatedAt);
    expect(await unwrapSecret(next.credential, gatewaySecret, { subject: `provider:${provider.id}` })).toBe(rotated);
    await expect(unwrapSecret(next.credential, gatewaySecret, { subject: `provider:${crypto.randomUUID()}` })).rejects.toThrow(/belongs to provider:/);
    expect(await everyRowAsText(catalog)).not.toContain(rotated);
  });

  it('takes each provider type with its own fields, and a credential-free OpenAI-compatible server', async () => {
    const azure = await createProvider(catalog, admin, { teamId: team, type: 'azure-openai', baseUrl: 'https://acme.openai.azure.com/', apiVersion: '2024-10-21', deployment: 'gpt4o-prod' });
    expect(azure).toMatchObject({ baseUrl: 'https://acme.openai.azure.com', apiVersion: '2024-10-21', deployment: 'gpt4o-prod' });
    const ollama = await createProvider(catalog, admin, { teamId: team, type: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1', credential: undefined });
    expect(ollama).toMatchObject({ hasCredential: false, credentialFingerprint: null });
    expect((await latest(AiProviderStateV1.type, `provider:${ollama.id}`, 'credential-free provider state')).credential).toBeNull();
    for (const type of ['anthropic', 'gemini', 'mistral', 'cohere']) {
      const provider = await createProvider(catalog, admin, { teamId: team, type });
      expect(provider.baseUrl).toMatch(/^https:\/\//);
    }
  });

  it('refuses bad provider input with precise 400s and a taken name with 409', async () => {
    const bad = async (json: Record<string, unknown>) => (await expectStatus(catalog.call('POST', '/ai/providers', { token: admin, json: { teamId: team, name: aiName('bad'), ...json } }), 400)).message;
    expect(await bad({ type: 'bard', credential: 'x' })).toMatch(/type: unknown provider type; expected one of openai, azure-openai, anthropic, gemini, mistral, cohere, openai-compatible/);
    expect(await bad({ type: 'anthropic' })).toBe('credential: an anthropic provider needs a credential');
    expect(await bad({ type: 'azure-openai', credential: 'k' })).toBe('baseUrl: an azure-openai provider needs a baseUrl');
    expect(await bad({ type: 'openai', credential: 'k', apiVersion: '2024' })).toBe('apiVersion: apiVersion applies to azure-openai and anthropic providers, not to openai');
    expect(await bad({ type: 'openai', credential: 'k', baseUrl: 'https://user:secret@api.example.com' })).toMatch(/baseUrl: the base URL must not carry credentials/);
    expect(await bad({ type: 'openai', credential: 'line\nbreak' })).toMatch(/credential: the credential is printable ASCII/);
    const name = aiName('taken');
    await createProvider(catalog, admin, { teamId: team, name });
    expect((await expectStatus(catalog.call('POST', '/ai/providers', { token: admin, json: { teamId: team, name: name.toUpperCase(), type: 'openai', credential: 'k' } }), 409)).message).toBe(
      `an AI provider named ${name.toUpperCase()} already exists in tenant acme`,
    );
  });

  it('describes models with context window, capabilities and prices, flagging a model without a price', async () => {
    const provider = await createProvider(catalog, admin, { teamId: team });
    const priced = await createModel(catalog, admin, {
      teamId: team,
      providerId: provider.id,
      name: aiName('gpt-4o-mini'),
      contextWindow: 128_000,
      maxOutputTokens: 16_384,
      capabilities: ['chat', 'tools', 'vision', 'json'],
      prices: { input: 0.15, output: 0.6, cached: 0.075, currency: 'USD' },
    });
    expect(priced).toMatchObject({ providerId: provider.id, priced: true, prices: { input: 0.15, output: 0.6, cached: 0.075, currency: 'USD' } });
    const unpriced = await createModel(catalog, admin, { teamId: team, providerId: provider.id, capabilities: ['embeddings'] });
    expect(unpriced).toMatchObject({ priced: false, prices: null, maxOutputTokens: null });
    expect(await latest(AiModelStateV1.type, `model:${priced.id}`, 'priced model state')).toEqual({
      modelId: priced.id,
      tenantId: 'acme',
      teamId: team,
      name: priced.name,
      providerId: provider.id,
      upstreamModel: 'gpt-4o-mini',
      contextWindow: 128_000,
      maxOutputTokens: 16_384,
      capabilities: ['chat', 'tools', 'vision', 'json'],
      prices: { input: 0.15, output: 0.6, cached: 0.075, currency: 'USD' },
      updatedAt: priced.updatedAt,
    });
    expect((await latest(AiModelStateV1.type, `model:${unpriced.id}`, 'unpriced model state')).prices).toBeNull();
    const repriced = await expectStatus(catalog.call('PATCH', `/ai/models/${unpriced.id}`, { token: admin, json: { prices: { input: 0.02, output: 0, currency: 'EUR' } } }), 200);
    expect(repriced).toMatchObject({ priced: true, prices: { input: 0.02, output: 0, cached: null, currency: 'EUR' } });

    const bad = async (json: Record<string, unknown>) =>
      (await expectStatus(catalog.call('POST', '/ai/models', { token: admin, json: { teamId: team, name: aiName('m'), providerId: provider.id, upstreamModel: 'x', contextWindow: 1000, ...json } }), 400)).message;
    const unknown = crypto.randomUUID();
    expect(await bad({ providerId: unknown })).toBe(`providerId: AI provider ${unknown} does not exist in tenant acme`);
    expect(await bad({ prices: { input: -1, output: 0.5, currency: 'USD' } })).toBe('prices.input: prices cannot be negative');
    expect(await bad({ prices: { input: 1, output: 1, cached: -0.1, currency: 'usd' } })).toMatch(/prices.cached: prices cannot be negative; prices.currency: an ISO 4217 code/);
    expect(await bad({ capabilities: ['chat', 'telepathy'] })).toMatch(/capabilities.1: unknown capability; expected one of chat, embeddings, tools, vision, json/);
    expect(await bad({ maxOutputTokens: 5000 })).toBe('maxOutputTokens: maxOutputTokens cannot exceed contextWindow');
    expect(await bad({ contextWindow: 0 })).toMatch(/^contextWindow: /);
    expect((await expectStatus(catalog.call('POST', '/ai/models', { token: admin, json: { teamId: team, name: priced.name, providerId: provider.id, upstreamModel: 'x', contextWindow: 10 } }), 409)).message).toBe(
      `an AI model named ${priced.name} already exists in tenant acme`,
    );
  });

  it('routes a model name across provider keys with weighted primaries and ordered fallbacks', async () => {
    const keyA = await createProvider(catalog, admin, { teamId: team, name: aiName('openai-a') });
    const keyB = await createProvider(catalog, admin, { teamId: team, name: aiName('openai-b') });
    const anthropic = await createProvider(catalog, admin, { teamId: team, type: 'anthropic' });
    const gpt = await createModel(catalog, admin, { teamId: team, providerId: keyA.id, prices: { input: 0.15, output: 0.6, currency: 'USD' } });
    const claude = await createModel(catalog, admin, { teamId: team, providerId: anthropic.id, upstreamModel: 'claude-3-5-haiku-latest', contextWindow: 200_000 });
    const targets = [
      { providerId: keyA.id, modelId: gpt.id, weight: 3 },
      { providerId: keyB.id, modelId: gpt.id, weight: 1 },
      { providerId: anthropic.id, modelId: claude.id, weight: 0 },
    ];
    const policy = await createPolicy(catalog, admin, { teamId: team, model: aiName('smart'), targets, retries: 1, timeoutMs: 30_000 });
    expect(policy.targets.map((target: { role: string }) => target.role)).toEqual(['primary', 'primary', 'fallback']);
    expect(await latest(AiPolicyStateV1.type, `policy:${policy.id}`, 'policy state')).toEqual({
      policyId: policy.id,
      tenantId: 'acme',
      teamId: team,
      model: policy.model,
      targets,
      retries: 1,
      timeoutMs: 30_000,
      updatedAt: policy.updatedAt,
    });

    const bad = async (json: Record<string, unknown>) => (await expectStatus(catalog.call('POST', '/ai/policies', { token: admin, json: { teamId: team, model: aiName('p'), ...json } }), 400)).message;
    const missing = crypto.randomUUID();
    expect(await bad({ targets: [targets[0], { providerId: keyB.id, modelId: missing, weight: 1 }] })).toBe(`targets.1.modelId: AI model ${missing} does not exist in tenant acme`);
    expect(await bad({ targets: [{ providerId: anthropic.id, modelId: gpt.id, weight: 1 }] })).toBe(`targets.0.providerId: model ${gpt.name} is served by openai providers; provider ${anthropic.name} is anthropic`);
    expect(await bad({ targets: [targets[0], targets[0]] })).toMatch(/^targets.1: model .* is listed twice$/);
    expect(await bad({ targets: [] })).toMatch(/^targets: /);
    expect(await bad({ targets, retries: 9 })).toMatch(/^retries: /);
    await expectStatus(catalog.call('POST', '/ai/policies', { token: admin, json: { teamId: team, model: policy.model, targets } }), 409);

    const inUse = await expectStatus(catalog.call('DELETE', `/ai/providers/${keyB.id}`, { token: admin }), 409);
    expect(inUse.message).toBe(`AI provider ${keyB.name} is still used by policy ${policy.model}; change or delete them first`);
    expect((await expectStatus(catalog.call('DELETE', `/ai/models/${claude.id}`, { token: admin }), 409)).message).toMatch(`is still used by routing policy ${policy.model}`);
    expect((await expectStatus(catalog.call('DELETE', `/ai/providers/${keyA.id}`, { token: admin }), 409)).message).toMatch(`still used by model ${gpt.name}, policy ${policy.model}`);

    await expectStatus(catalog.call('PATCH', `/ai/policies/${policy.id}`, { token: admin, json: { targets: [targets[0], targets[2]] } }), 200);
    await expectStatus(catalog.call('DELETE', `/ai/providers/${keyB.id}`, { token: admin }), 204);
    await eventually(() => catalog.collector.tombstones(Topics.aiState.name).includes(`provider:${keyB.id}`), 'provider tombstone');
    await expectStatus(catalog.call('DELETE', `/ai/policies/${policy.id}`, { token: admin }), 204);
    await expectStatus(catalog.call('DELETE', `/ai/models/${claude.id}`, { token: admin }), 204);
    await eventually(() => ['policy', 'model'].every((kind) => catalog.collector.tombstones(Topics.aiState.name).includes(kind === 'policy' ? `policy:${policy.id}` : `model:${claude.id}`)), 'policy and model tombstones');
    await expectStatus(catalog.call('GET', `/ai/models/${claude.id}`, { token: admin }), 404);
  });

  it('lets the tenant read, only team admins change, and answers 404 to another tenant on every endpoint', async () => {
    const provider = await createProvider(catalog, admin, { teamId: team });
    const model = await createModel(catalog, admin, { teamId: team, providerId: provider.id });
    const policy = await createPolicy(catalog, admin, { teamId: team, targets: [{ providerId: provider.id, modelId: model.id, weight: 1 }] });
    const resources = [
      ['providers', provider.id, { name: aiName('renamed') }],
      ['models', model.id, { contextWindow: 64_000 }],
      ['policies', policy.id, { retries: 2 }],
    ] as const;
    const before = await catalog.rows('select (select count(*) from ai_providers)::int p, (select count(*) from ai_models)::int m, (select count(*) from ai_policies)::int o, (select max(updated_at) from ai_models) u');
    for (const [kind, id, change] of resources) {
      await expectStatus(catalog.call('GET', `/ai/${kind}/${id}`, { token: viewerElsewhere }), 200);
      await expectStatus(catalog.call('GET', `/ai/${kind}/${id}`, { token: globex }), 404);
      await expectStatus(catalog.call('PATCH', `/ai/${kind}/${id}`, { token: globex, json: change }), 404);
      await expectStatus(catalog.call('DELETE', `/ai/${kind}/${id}`, { token: globex }), 404);
      expect((await expectStatus(catalog.call('GET', `/ai/${kind}`, { token: globex }), 200)).items.map((item: { tenantId: string }) => item.tenantId)).not.toContain('acme');
      await expectStatus(catalog.call('GET', `/ai/${kind}?tenant=acme`, { token: globex }), 404);
      expect((await expectStatus(catalog.call('PATCH', `/ai/${kind}/${id}`, { token: developer, json: change }), 403)).message).toMatch(/needs the admin role/);
      await expectStatus(catalog.call('DELETE', `/ai/${kind}/${id}`, { token: viewerElsewhere }), 403);
      await expectStatus(catalog.call('GET', `/ai/${kind}/not-a-uuid`, { token: admin }), 404);
    }
    expect(await catalog.rows('select (select count(*) from ai_providers)::int p, (select count(*) from ai_models)::int m, (select count(*) from ai_policies)::int o, (select max(updated_at) from ai_models) u')).toEqual(before);
    expect((await expectStatus(catalog.call('GET', '/ai/models?tenant=acme'), 200)).items.map((item: { id: string }) => item.id)).toContain(model.id);

    const globexProvider = await createProvider(catalog, globex, { teamId: globexTeam });
    expect((await expectStatus(catalog.call('POST', '/ai/models', { token: globex, json: { teamId: globexTeam, name: aiName('m'), providerId: provider.id, upstreamModel: 'x', contextWindow: 10 } }), 400)).message).toBe(
      `providerId: AI provider ${provider.id} does not exist in tenant globex`,
    );
    expect(
      (await expectStatus(catalog.call('POST', '/ai/policies', { token: globex, json: { teamId: globexTeam, model: aiName('p'), targets: [{ providerId: globexProvider.id, modelId: model.id }] } }), 400)).message,
    ).toBe(`targets.0.modelId: AI model ${model.id} does not exist in tenant globex`);
    await expectStatus(catalog.call('POST', '/ai/providers', { token: globex, json: { teamId: team, name: aiName('x'), type: 'openai', credential: 'k' } }), 404);
    await expectStatus(catalog.call('POST', '/ai/models', { token: developer, json: { teamId: team, name: aiName('m'), providerId: provider.id, upstreamModel: 'x', contextWindow: 10 } }), 403);
  });

  it('reports and rotates the master key of stored credentials for platform admins only', async () => {
    await createProvider(catalog, admin, { teamId: team });
    await expectStatus(catalog.call('GET', '/ai/master-key', { token: admin }), 403);
    await expectStatus(catalog.call('POST', '/ai/master-key/rotate', { token: admin }), 403);
    const status = await expectStatus(catalog.call('GET', '/ai/master-key'), 200);
    expect(status.current).toBe('mk1');
    expect(status.usage).toEqual([{ masterKeyId: 'mk1', credentials: expect.any(Number) }]);
    expect(await expectStatus(catalog.call('POST', '/ai/master-key/rotate'), 200)).toMatchObject({ masterKeyId: 'mk1', rewrapped: 0 });
  });

  it('documents the AI admin API at /docs without a credential field anywhere it answers', async () => {
    const document = await expectStatus(catalog.call('GET', '/docs/openapi.json', { token: null }), 200);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/ai/providers', '/ai/providers/{providerId}', '/ai/models', '/ai/models/{modelId}', '/ai/policies', '/ai/policies/{policyId}']));
    expect(document.paths['/ai/providers'].post.requestBody.content['application/json'].schema.properties.type.enum).toEqual([
      'openai',
      'azure-openai',
      'anthropic',
      'gemini',
      'mistral',
      'cohere',
      'openai-compatible',
    ]);
  });
});

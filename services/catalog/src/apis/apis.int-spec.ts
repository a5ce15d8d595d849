import { randomUUID } from 'node:crypto';
import { ApiChangedV1, ApiStateV1 } from '@gatehouse/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, createVersion, expectStatus, unique } from '../testing/catalog-builders';
import { CatalogHarness, eventually } from '../testing/catalog-harness';
import { fixtureNames, fixtureText } from '../testing/openapi-fixtures';

describe('catalog APIs: authentication, search, visibility and tenant isolation', () => {
  let catalog: CatalogHarness;
  let teamA: string;
  let teamB: string;
  let adminA: string;
  let memberB: string;
  let globexTeam: string;
  let globex: string;

  beforeAll(async () => {
    catalog = await CatalogHarness.start('catalog-apis');
    teamA = await catalog.team('acme');
    teamB = await catalog.team('acme');
    globexTeam = await catalog.team('globex');
    adminA = await catalog.token({ tenant: 'acme', teams: { [teamA]: 'owner' } });
    memberB = await catalog.token({ tenant: 'acme', teams: { [teamB]: 'viewer' } });
    globex = await catalog.token({ tenant: 'globex', teams: { [globexTeam]: 'owner' } });
  });

  afterAll(async () => {
    await catalog?.close();
  });

  it('refuses calls without a valid token with 401 and a Bearer challenge', async () => {
    const missing = await catalog.call('GET', '/apis', { token: null });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer realm="gatehouse-admin"/);
    const forged = `${(await catalog.token({ tenant: 'acme' })).slice(0, -4)}AAAA`;
    expect((await catalog.call('GET', '/apis', { token: forged })).status).toBe(401);
    expect((await catalog.call('GET', '/apis', { token: 'not-the-bootstrap-token-at-all' })).status).toBe(401);
    expect((await catalog.call('GET', '/apis')).status).toBe(200);
  });

  it('creates an API with its defaults and events, and refuses bad requests precisely', async () => {
    const slug = unique('orders');
    const created = await expectStatus(catalog.call('POST', '/apis', { token: adminA, json: { teamId: teamA, name: 'Orders', slug, tags: ['commerce'], docs: '# Orders\n' } }), 201);
    expect(created).toMatchObject({ tenantId: 'acme', teamId: teamA, slug, visibility: 'team', audience: `urn:gatehouse:api:acme:${slug}`, autoApprove: false, versions: [] });
    await eventually(() => catalog.collector.ofType(ApiStateV1.type).some((event) => event.data.apiId === created.id), 'API state');
    expect(catalog.collector.ofType(ApiStateV1.type).find((event) => event.data.apiId === created.id)!.data).toEqual({
      apiId: created.id,
      tenantId: 'acme',
      teamId: teamA,
      name: 'Orders',
      audience: created.audience,
      visibility: 'team',
      requireEncryptedTokens: false,
      scopes: [],
      updatedAt: created.updatedAt,
    });
    await eventually(() => catalog.collector.ofType(ApiChangedV1.type).some((event) => event.data.apiId === created.id && event.data.change === 'created'), 'API created event');

    expect(await expectStatus(catalog.call('POST', '/apis', { token: adminA, json: { teamId: teamA, name: 'Orders again', slug } }), 409)).toMatchObject({ message: expect.stringMatching(/slug .* already exists/) });
    expect(await expectStatus(catalog.call('POST', '/apis', { token: adminA, json: { teamId: teamA, name: 'x', audience: created.audience } }), 409)).toMatchObject({ message: expect.stringMatching(/audience .* is already taken/) });
    for (const reserved of ['urn:gatehouse:admin', 'URN:Gatehouse:api:globex:billing']) {
      expect(await expectStatus(catalog.call('POST', '/apis', { token: adminA, json: { teamId: teamA, name: 'x', audience: reserved } }), 400)).toMatchObject({ message: expect.stringMatching(/reserved urn:gatehouse: namespace/), details: { audience: reserved } });
    }
    await expectStatus(catalog.call('PATCH', `/apis/${created.id}`, { token: adminA, json: { audience: 'urn:gatehouse:admin' } }), 400);
    expect(await expectStatus(catalog.call('PATCH', `/apis/${created.id}`, { token: adminA, json: { audience: created.audience } }), 200)).toMatchObject({ audience: created.audience });
    expect(await expectStatus(catalog.call('POST', '/apis', { token: adminA, json: { teamId: `team-${randomUUID()}`, name: 'x' } }), 404)).toMatchObject({ message: expect.stringMatching(/^team .* not found$/) });
    await expectStatus(catalog.call('POST', '/apis', { token: adminA, json: { teamId: globexTeam, name: 'x' } }), 404);
    await expectStatus(catalog.call('POST', '/apis', { token: memberB, json: { teamId: teamB, name: 'x' } }), 403);
    const invalid = await expectStatus(catalog.call('POST', '/apis', { token: adminA, json: { teamId: teamA, name: '', visibility: 'everyone', tags: ['Bad Tag'], extra: true } }), 400);
    expect(invalid.message).toMatch(/name: /);
    expect(invalid.message).toMatch(/visibility: /);
    expect(invalid.message).toMatch(/tags\.0: /);
    expect(invalid.details.issues.length).toBeGreaterThanOrEqual(4);
    const notJson = await fetch(`${catalog.baseUrl}/apis`, { method: 'POST', headers: { authorization: `Bearer ${adminA}`, 'content-type': 'application/json' }, body: '{"teamId":' });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ error: 'invalid_request', errorId: expect.any(String) });
  });

  it('searches and browses by text, tag, owner team, state and visibility, showing each caller only what it may see', async () => {
    const word = unique('zebra').replace(/-/g, '');
    const teamOnly = await createApi(catalog, adminA, { teamId: teamA, name: `${word} Billing`, visibility: 'team', tags: ['finance'] });
    const tenantWide = await createApi(catalog, adminA, { teamId: teamA, name: 'Shipping', description: `Ships ${word} parcels`, visibility: 'tenant', tags: ['logistics'] });
    const everyone = await createApi(catalog, adminA, { teamId: teamA, name: 'Weather', visibility: 'public', tags: [word] });
    await createVersion(catalog, adminA, everyone, {});
    await expectStatus(catalog.call('POST', `/apis/${everyone}/versions/v1/publish`, { token: adminA }), 200);
    await createVersion(catalog, adminA, teamOnly, {});
    const hidden = await createApi(catalog, globex, { teamId: globexTeam, name: `${word} internal`, visibility: 'tenant' });

    const ids = async (token: string, query: string) => (await expectStatus(catalog.call('GET', `/apis?${query}`, { token }), 200)).items.map((item: { id: string }) => item.id).sort();
    expect(await ids(adminA, `q=${word}`)).toEqual([teamOnly, tenantWide, everyone].sort());
    expect(await ids(memberB, `q=${word}`)).toEqual([tenantWide, everyone].sort());
    expect(await ids(globex, `q=${word}`)).toEqual([everyone, hidden].sort());
    expect(await ids(catalog.bootstrapToken, `q=${word}`)).toEqual([teamOnly, tenantWide, everyone, hidden].sort());
    expect(await ids(catalog.bootstrapToken, `q=${word}&tenant=globex`)).toEqual([hidden]);
    expect(await ids(adminA, `q=${word.slice(0, 8)}`)).toEqual([teamOnly, tenantWide, everyone].sort());
    expect(await ids(adminA, `q=${word}&tag=logistics`)).toEqual([tenantWide]);
    expect(await ids(adminA, `tag=${word}`)).toEqual([everyone]);
    expect(await ids(adminA, `q=${word}&state=published`)).toEqual([everyone]);
    expect(await ids(adminA, `q=${word}&state=draft`)).toEqual([teamOnly]);
    expect(await ids(adminA, `q=${word}&visibility=tenant`)).toEqual([tenantWide]);
    expect(await ids(adminA, `q=${word}&teamId=${teamB}`)).toEqual([]);
    expect(await ids(globex, `q=${word}&teamId=${teamA}`)).toEqual([everyone]);

    const page = await expectStatus(catalog.call('GET', `/apis?q=${word}&limit=2&offset=0`, { token: adminA }), 200);
    expect(page).toMatchObject({ total: 3, limit: 2, offset: 0 });
    expect(page.items).toHaveLength(2);
    await expectStatus(catalog.call('GET', '/apis?limit=1000', { token: adminA }), 400);
    await expectStatus(catalog.call('GET', '/apis?state=gone', { token: adminA }), 400);

    const seenByB = await expectStatus(catalog.call('GET', `/apis/${tenantWide}`, { token: memberB }), 200);
    expect(seenByB).toMatchObject({ name: 'Shipping', docs: '' });
    await expectStatus(catalog.call('GET', `/apis/${teamOnly}`, { token: memberB }), 404);
    const publicView = await expectStatus(catalog.call('GET', `/apis/${everyone}`, { token: globex }), 200);
    expect(publicView.versions.map((version: { state: string }) => version.state)).toEqual(['published']);
    await expectStatus(catalog.call('PATCH', `/apis/${tenantWide}`, { token: memberB, json: { description: 'mine now' } }), 403);
  });

  it('matches state=draft only on drafts the caller may see', async () => {
    const word = unique('draftonly').replace(/-/g, '');
    const tenantWide = await createApi(catalog, adminA, { teamId: teamA, name: `${word} tenant`, visibility: 'tenant' });
    await createVersion(catalog, adminA, tenantWide, {});
    const everyone = await createApi(catalog, adminA, { teamId: teamA, name: `${word} public`, visibility: 'public' });
    await createVersion(catalog, adminA, everyone, {});
    await expectStatus(catalog.call('POST', `/apis/${everyone}/versions/v1/publish`, { token: adminA }), 200);
    await createVersion(catalog, adminA, everyone, { version: 'v2', openapi: fixtureText(fixtureNames.petstore30v2) });

    const ids = async (token: string, query: string) => (await expectStatus(catalog.call('GET', `/apis?${query}`, { token }), 200)).items.map((item: { id: string }) => item.id).sort();
    expect(await ids(memberB, `q=${word}`)).toEqual([tenantWide, everyone].sort());
    expect(await ids(memberB, `q=${word}&state=draft`)).toEqual([]);
    expect(await ids(globex, `q=${word}&state=draft`)).toEqual([]);
    expect(await ids(globex, `q=${word}&state=published`)).toEqual([everyone]);
    expect(await ids(adminA, `q=${word}&state=draft`)).toEqual([tenantWide, everyone].sort());
    expect(await ids(catalog.bootstrapToken, `q=${word}&state=draft`)).toEqual([tenantWide, everyone].sort());
    expect((await expectStatus(catalog.call('GET', `/apis?q=${word}&state=draft`, { token: memberB }), 200)).total).toBe(0);
  });

  it('shows drafts only to the owning team', async () => {
    const apiId = await createApi(catalog, adminA, { teamId: teamA, visibility: 'tenant' });
    await createVersion(catalog, adminA, apiId, {});
    expect((await expectStatus(catalog.call('GET', `/apis/${apiId}/versions`, { token: memberB }), 200)).items).toEqual([]);
    await expectStatus(catalog.call('GET', `/apis/${apiId}/versions/v1`, { token: memberB }), 404);
    await expectStatus(catalog.call('GET', `/apis/${apiId}/versions/v1/openapi`, { token: memberB }), 404);
    expect((await expectStatus(catalog.call('GET', `/apis/${apiId}/versions`, { token: adminA }), 200)).items).toHaveLength(1);
  });

  it('answers 404 on every endpoint to a principal of another tenant and 401 without a token, and changes nothing', async () => {
    const apiId = await createApi(catalog, adminA, { teamId: teamA, visibility: 'tenant', scopes: ['a:read'] });
    const plan = await expectStatus(catalog.call('POST', `/apis/${apiId}/plans`, { token: adminA, json: { name: 'basic' } }), 201);
    await createVersion(catalog, adminA, apiId, {});
    await expectStatus(catalog.call('POST', `/apis/${apiId}/versions/v1/publish`, { token: adminA }), 200);
    await createVersion(catalog, adminA, apiId, { version: 'v2', openapi: fixtureText(fixtureNames.petstore30v2) });
    const consumerTeam = await catalog.team('acme');
    const app = await catalog.application('acme', consumerTeam);
    const acmeConsumer = await catalog.token({ tenant: 'acme', teams: { [consumerTeam]: 'admin' } });
    const subscription = await expectStatus(catalog.call('POST', `/apis/${apiId}/subscriptions`, { token: acmeConsumer, json: { applicationId: app, planId: plan.id } }), 201);
    const globexApp = await catalog.application('globex', globexTeam);
    const before = await catalog.snapshot();

    const endpoints: Array<[string, string, unknown?]> = [
      ['GET', `/apis/${apiId}`],
      ['PATCH', `/apis/${apiId}`, { description: 'taken over' }],
      ['DELETE', `/apis/${apiId}`],
      ['GET', `/apis/${apiId}/versions`],
      ['POST', `/apis/${apiId}/versions`, { version: 'v9', basePath: '/steal', upstream: { targets: [{ url: 'http://evil.example', weight: 1 }] }, routes: [{ path: '/x', methods: ['GET'] }] }],
      ['GET', `/apis/${apiId}/versions/v1`],
      ['PATCH', `/apis/${apiId}/versions/v2`, { basePath: '/steal' }],
      ['DELETE', `/apis/${apiId}/versions/v2`],
      ['GET', `/apis/${apiId}/versions/v1/openapi`],
      ['GET', `/apis/${apiId}/versions/v2/diff?against=v1`],
      ['POST', `/apis/${apiId}/versions/v2/publish`, { dryRun: true }],
      ['POST', `/apis/${apiId}/versions/v2/publish`, {}],
      ['POST', `/apis/${apiId}/versions/v1/deprecate`, { sunsetAt: new Date(Date.now() + 86400_000).toISOString() }],
      ['POST', `/apis/${apiId}/versions/v1/retire`, {}],
      ['GET', `/apis/${apiId}/plans`],
      ['POST', `/apis/${apiId}/plans`, { name: 'free-for-all' }],
      ['GET', `/apis/${apiId}/plans/${plan.id}`],
      ['PATCH', `/apis/${apiId}/plans/${plan.id}`, { name: 'renamed' }],
      ['DELETE', `/apis/${apiId}/plans/${plan.id}`],
      ['POST', `/apis/${apiId}/subscriptions`, { applicationId: globexApp, planId: plan.id }],
      ['GET', `/apis/${apiId}/subscriptions`],
      ['GET', `/subscriptions/${subscription.id}`],
      ['POST', `/subscriptions/${subscription.id}/approve`, {}],
      ['POST', `/subscriptions/${subscription.id}/reject`, {}],
      ['POST', `/subscriptions/${subscription.id}/revoke`, {}],
      ['POST', `/subscriptions/${subscription.id}/cancel`, {}],
      ['GET', '/apis?tenant=acme'],
      ['GET', '/subscriptions?tenant=acme'],
    ];
    for (const [method, path, json] of endpoints) {
      const response = await catalog.call(method, path, { token: globex, ...(json === undefined ? {} : { json }) });
      expect({ method, path, status: response.status }).toEqual({ method, path, status: 404 });
      expect(response.body).toMatchObject({ error: 'not_found', errorId: expect.any(String) });
    }
    const raw = await catalog.call('PUT', `/apis/${apiId}/versions/v2/openapi`, { token: globex, text: fixtureText(fixtureNames.petstore31) });
    expect(raw.status).toBe(404);
    expect((await expectStatus(catalog.call('GET', '/subscriptions', { token: globex }), 200)).items).toEqual([]);
    expect(await catalog.snapshot()).toEqual(before);

    const unauthenticated: Array<[string, string, unknown?]> = [...endpoints, ['GET', '/apis'], ['POST', '/apis', { teamId: teamA, name: 'anonymous' }], ['GET', '/subscriptions']];
    for (const [method, path, json] of unauthenticated) {
      const response = await catalog.call(method, path, { token: null, ...(json === undefined ? {} : { json }) });
      expect({ method, path, status: response.status }).toEqual({ method, path, status: 401 });
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="gatehouse-admin"/);
    }
    expect((await catalog.call('PUT', `/apis/${apiId}/versions/v2/openapi`, { token: null, text: fixtureText(fixtureNames.petstore31) })).status).toBe(401);
    expect(await catalog.snapshot()).toEqual(before);
    const stillThere = await expectStatus(catalog.call('GET', `/apis/${apiId}`, { token: adminA }), 200);
    expect(stillThere.description).toBe('');
  });

  it('documents its REST API with OpenAPI at /docs', async () => {
    const document = await expectStatus(catalog.call('GET', '/docs/openapi.json', { token: null }), 200);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/apis', '/apis/{apiId}', '/apis/{apiId}/versions/{version}/publish', '/apis/{apiId}/versions/{version}/diff', '/apis/{apiId}/plans', '/subscriptions/{subscriptionId}/approve']),
    );
    expect(document.paths['/apis'].post.requestBody.content['application/json'].schema.properties.visibility.enum).toEqual(['team', 'tenant', 'public']);
    const html = await fetch(`${catalog.baseUrl}/docs`);
    expect(html.status).toBe(200);
  });
});

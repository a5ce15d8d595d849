import { ApiChangedV1, ApiStateV1, ApiVersionTransitionedV1, RouteStateV1, SubscriptionChangedV1, Topics } from '@gatehouse/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogHarness, eventually } from '../testing/catalog-harness';
import { createApi, createVersion, expectStatus, unique, UPSTREAM } from '../testing/catalog-builders';
import { fixtureDocument, fixtureNames, fixtureText } from '../testing/openapi-fixtures';

type Envelope = { id: string; data: Record<string, any> };

describe('catalog versions over HTTP, Postgres and Kafka', () => {
  let catalog: CatalogHarness;
  let team: string;
  let admin: string;

  const routeStates = (apiId: string) => catalog.collector.ofType(RouteStateV1.type).filter((event) => event.data.apiId === apiId) as Envelope[];
  const transitions = (apiId: string) => catalog.collector.ofType(ApiVersionTransitionedV1.type).filter((event) => event.data.apiId === apiId) as Envelope[];
  /** Changes the API so an event keyed by it follows; once it arrived, anything staged before it for that API has too. */
  const marker = async (apiId: string) => {
    const description = unique('marker');
    await expectStatus(catalog.call('PATCH', `/apis/${apiId}`, { token: admin, json: { description } }), 200);
    await eventually(() => catalog.collector.ofType(ApiChangedV1.type).some((event) => event.data.apiId === apiId && event.data.change === 'updated') && catalog.collector.ofType(ApiStateV1.type).length > 0, 'marker');
  };

  beforeAll(async () => {
    catalog = await CatalogHarness.start('catalog-versions');
    team = await catalog.team('acme');
    admin = await catalog.token({ tenant: 'acme', teams: { [team]: 'admin' } });
  });

  afterAll(async () => {
    await catalog?.close();
  });

  describe('importing OpenAPI documents', () => {
    it.each([
      [fixtureNames.petstore30, 'yaml', ['/pets GET,POST', '/pets/{petId} GET']],
      [fixtureNames.petstore31, 'yaml', ['/pets GET,POST', '/pets/{petId} GET']],
      [fixtureNames.petstoreExpanded, 'json', ['/pets GET,POST', '/pets/{id} GET,DELETE']],
      [fixtureNames.webhook31, 'yaml', []],
    ])('imports %s and routes its paths', async (name, format, routes) => {
      const apiId = await createApi(catalog, admin, { teamId: team });
      const openapi = format === 'json' ? fixtureDocument(name) : fixtureText(name);
      const version = await createVersion(catalog, admin, apiId, { basePath: '/shop/', openapi });
      expect(version).toMatchObject({ state: 'draft', basePath: '/shop', openapi: { format, title: expect.any(String) } });
      expect(version.routes.map((route: { template: string; methods: string[] }) => `${route.template} ${route.methods.join(',')}`)).toEqual(routes);
      expect(version.routes.every((route: { path: string }) => route.path.startsWith('/shop/'))).toBe(true);
      const stored = await expectStatus(catalog.call('GET', `/apis/${apiId}/versions/v1/openapi`, { token: admin }), 200);
      expect(stored).toEqual(fixtureDocument(name));
    });

    it('replaces a draft document by a raw upload of the large description and routes its 350 paths', async () => {
      const apiId = await createApi(catalog, admin, { teamId: team });
      await createVersion(catalog, admin, apiId, { basePath: '/acme-commerce' });
      const yamlUpload = await expectStatus(catalog.call('PUT', `/apis/${apiId}/versions/v1/openapi`, { token: admin, text: fixtureText(fixtureNames.petstore31), contentType: 'application/yaml' }), 200);
      expect(yamlUpload.openapi).toMatchObject({ openapi: '3.1.0', format: 'yaml', sizeBytes: Buffer.byteLength(fixtureText(fixtureNames.petstore31)) });
      const text = fixtureText(fixtureNames.large);
      const uploaded = await expectStatus(catalog.call('PUT', `/apis/${apiId}/versions/v1/openapi`, { token: admin, text, contentType: 'application/json' }), 200);
      expect(uploaded.routes).toHaveLength(350);
      expect(uploaded.openapi).toMatchObject({ openapi: '3.0.3', title: 'Acme Commerce Platform API' });
      const published = await expectStatus(catalog.call('POST', `/apis/${apiId}/versions/v1/publish`, { token: admin }), 200);
      expect(published.routes).toHaveLength(350);
      await eventually(() => routeStates(apiId).length === 350, '350 route states');
      expect(routeStates(apiId).find((event) => event.data.path === '/acme-commerce/orders/{orderId}')!.data.methods).toEqual(['GET', 'PATCH', 'DELETE']);
    });

    it("imports rclone's public 3.1 description as a raw upload and routes its 101 paths", async () => {
      const apiId = await createApi(catalog, admin, { teamId: team });
      await createVersion(catalog, admin, apiId, { basePath: '/rclone' });
      const text = fixtureText(fixtureNames.rcloneRc);
      const uploaded = await expectStatus(catalog.call('PUT', `/apis/${apiId}/versions/v1/openapi`, { token: admin, text, contentType: 'text/plain' }), 200);
      expect(uploaded.openapi).toMatchObject({ openapi: '3.1.0', format: 'json', title: 'Rclone RC API', sizeBytes: Buffer.byteLength(text) });
      expect(uploaded.routes).toHaveLength(101);
      expect(uploaded.routes.find((route: { path: string }) => route.path === '/rclone/rc/noop')).toMatchObject({ methods: ['POST'] });
      expect(await expectStatus(catalog.call('GET', `/apis/${apiId}/versions/v1/openapi`, { token: admin }), 200)).toEqual(fixtureDocument(fixtureNames.rcloneRc));
    });

    it('imports a 2 MB document embedded in a JSON request, above the platform default of 1 MB, and refuses a body over 6 MB with 413', async () => {
      const document = fixtureDocument(fixtureNames.large) as { paths: Record<string, Record<string, { operationId?: string }>> };
      for (const [path, item] of Object.entries(document.paths)) {
        const mirrored = structuredClone(item);
        for (const operation of Object.values(mirrored)) if (operation.operationId) operation.operationId = `${operation.operationId}Mirrored`;
        document.paths[`/mirror${path}`] = mirrored;
      }
      const text = JSON.stringify(document, null, 3);
      const body = { version: 'v1', basePath: '/mirrored', upstream: UPSTREAM, openapi: text };
      const bodyBytes = Buffer.byteLength(JSON.stringify(body));
      console.log(`embedded document ${Buffer.byteLength(text)} bytes in a JSON body of ${bodyBytes} bytes`);
      expect(bodyBytes).toBeGreaterThan(2_000_000);
      const apiId = await createApi(catalog, admin, { teamId: team });
      const created = await expectStatus(catalog.call('POST', `/apis/${apiId}/versions`, { token: admin, json: body }), 201);
      expect(created.openapi).toMatchObject({ format: 'json', sizeBytes: Buffer.byteLength(text) });
      expect(created.routes).toHaveLength(700);

      const before = await catalog.snapshot();
      const oversized = await expectStatus(catalog.call('POST', `/apis/${apiId}/versions`, { token: admin, json: { ...body, version: 'v2', openapi: `${text}${' '.repeat(5 * 1024 * 1024)}` } }), 413);
      expect(oversized).toMatchObject({ error: 'payload_too_large', message: 'request body exceeds 6mb' });
      expect(await catalog.snapshot()).toEqual(before);
    });

    it('answers 422 pointing at each problem of an invalid document, and writes nothing', async () => {
      const apiId = await createApi(catalog, admin, { teamId: team });
      const before = await catalog.snapshot();
      const invalid = await expectStatus(catalog.call('POST', `/apis/${apiId}/versions`, { token: admin, json: { version: 'v1', basePath: '/x', upstream: UPSTREAM, openapi: fixtureText(fixtureNames.invalid) } }), 422);
      expect(invalid).toMatchObject({ error: 'invalid_document', message: expect.stringMatching(/^the OpenAPI document is invalid at line 20/) });
      expect(invalid.details.issues).toEqual([
        expect.objectContaining({ path: '/paths/~1pets/get/responses/200/headers/x-next/schema/type', line: 20 }),
        expect.objectContaining({ path: '/paths/~1pets/post', line: 21, message: expect.stringMatching(/responses/) }),
      ]);
      const swagger = await expectStatus(catalog.call('POST', `/apis/${apiId}/versions`, { token: admin, json: { version: 'v1', basePath: '/x', upstream: UPSTREAM, openapi: fixtureText(fixtureNames.swagger20) } }), 422);
      expect(swagger).toMatchObject({ error: 'unsupported_document', message: expect.stringMatching(/^Swagger 2\.0 is not supported; convert the document to OpenAPI 3/) });
      const broken = await expectStatus(catalog.call('POST', `/apis/${apiId}/versions`, { token: admin, json: { version: 'v1', basePath: '/x', upstream: UPSTREAM, openapi: 'openapi: 3.0.0\ninfo: [\n' } }), 422);
      expect(broken.details.issues[0]).toMatchObject({ line: expect.any(Number) });
      const ambiguous = fixtureDocument(fixtureNames.petstore30) as { paths: Record<string, { get: { operationId: string; parameters: Array<{ name: string }> } }> };
      const clash = structuredClone(ambiguous.paths['/pets/{petId}']!);
      clash.get.operationId = 'showPetById2';
      clash.get.parameters[0]!.name = 'id';
      ambiguous.paths['/pets/{id}'] = clash;
      const ambiguousAnswer = await expectStatus(catalog.call('POST', `/apis/${apiId}/versions`, { token: admin, json: { version: 'v1', basePath: '/x', upstream: UPSTREAM, openapi: ambiguous } }), 422);
      expect(ambiguousAnswer.message).toMatch(/routes cannot be built: GET \/pets\/\{id\} is the same route as \/pets\/\{petId\}/);
      expect(await catalog.snapshot()).toEqual(before);
    });

    it("refuses a document over 5 MiB, GitHub's 13 MB REST description among them, with 413 naming the limit, and writes nothing", async () => {
      const apiId = await createApi(catalog, admin, { teamId: team });
      await createVersion(catalog, admin, apiId, {});
      const before = await catalog.snapshot();
      const huge = `openapi: 3.0.0\ninfo: { title: huge, version: "1" }\npaths: {}\nx-padding: "${'x'.repeat(6 * 1024 * 1024)}"\n`;
      const answer = await expectStatus(catalog.call('PUT', `/apis/${apiId}/versions/v1/openapi`, { token: admin, text: huge }), 413);
      expect(answer).toMatchObject({ error: 'payload_too_large', message: expect.stringMatching(/the limit is 5 MiB \(5242880 bytes\)/) });
      const github = fixtureText(fixtureNames.githubRest);
      const rawGithub = await expectStatus(catalog.call('PUT', `/apis/${apiId}/versions/v1/openapi`, { token: admin, text: github, contentType: 'text/plain' }), 413);
      expect(rawGithub).toMatchObject({ error: 'payload_too_large', message: expect.stringMatching(/the limit is 5 MiB \(5242880 bytes\)/) });
      // As application/json the body meets the JSON body limit first.
      const jsonGithub = await expectStatus(catalog.call('PUT', `/apis/${apiId}/versions/v1/openapi`, { token: admin, text: github, contentType: 'application/json' }), 413);
      expect(jsonGithub).toMatchObject({ error: 'payload_too_large', message: 'request body exceeds 6mb' });
      expect(await catalog.snapshot()).toEqual(before);
    });

    it('refuses bad version input with 400 naming the fields', async () => {
      const apiId = await createApi(catalog, admin, { teamId: team });
      const answer = await expectStatus(catalog.call('POST', `/apis/${apiId}/versions`, { token: admin, json: { version: 'v 1', basePath: 'no-slash', upstream: { targets: [{ url: 'ftp://x', weight: 0 }] } } }), 400);
      expect(answer.message).toMatch(/version: /);
      expect(answer.message).toMatch(/basePath: /);
      expect(answer.message).toMatch(/upstream\.targets\.0\.url/);
      expect(answer.message).toMatch(/give an OpenAPI document \(openapi\) or declared routes \(routes\)/);
    });
  });

  describe('lifecycle', () => {
    it('publishes, deprecates and retires, emitting the transition, every route state and the API state each time', async () => {
      const apiId = await createApi(catalog, admin, { teamId: team, requireEncryptedTokens: true, scopes: ['pets:read'] });
      const basePath = `/${unique('petstore')}/v1`;
      await createVersion(catalog, admin, apiId, { basePath, host: 'API.Example.com', auth: { methods: ['bearer', 'api_key'], scopes: ['pets:read'] }, maxBodyBytes: 65536 });
      const published = await expectStatus(catalog.call('POST', `/apis/${apiId}/versions/v1/publish`, { token: admin }), 200);
      expect(published).toMatchObject({ state: 'published', against: null, diff: null, collisions: [], publishable: true });

      await eventually(() => routeStates(apiId).length === 2, 'published route states');
      const route = routeStates(apiId).find((event) => event.data.path === `${basePath}/pets/{petId}`)!;
      expect(route.data).toMatchObject({
        apiId,
        tenantId: 'acme',
        version: 'v1',
        audience: expect.stringMatching(/^urn:gatehouse:api:acme:/),
        host: 'api.example.com',
        methods: ['GET'],
        stripPrefix: basePath,
        upstream: { targets: UPSTREAM.targets, loadBalancing: 'weighted-round-robin', timeouts: { connectMs: 2000, firstByteMs: 30000, totalMs: 60000 }, retries: { attempts: 1, backoffMs: 100 } },
        auth: { methods: ['bearer', 'api_key'], requireEncryptedToken: true, scopes: ['pets:read'] },
        lifecycle: { state: 'published', deprecatedAt: null, sunsetAt: null },
        kind: 'http',
        maxBodyBytes: 65536,
      });
      await eventually(() => transitions(apiId).map((event) => `${event.data.from}→${event.data.to}`).join(' ') === 'null→draft draft→published', 'transitions');
      await eventually(() => catalog.collector.ofType(ApiStateV1.type).filter((event) => event.data.apiId === apiId).length >= 2, 'api state after publish');

      await expectStatus(catalog.call('POST', `/apis/${apiId}/versions/v1/deprecate`, { token: admin, json: {} }), 400);
      const past = await expectStatus(catalog.call('POST', `/apis/${apiId}/versions/v1/deprecate`, { token: admin, json: { sunsetAt: new Date(Date.now() - 1000).toISOString() } }), 400);
      expect(past.message).toMatch(/must be in the future/);
      const sunsetAt = new Date(Date.now() + 30 * 86400_000).toISOString();
      const deprecated = await expectStatus(catalog.call('POST', `/apis/${apiId}/versions/v1/deprecate`, { token: admin, json: { sunsetAt } }), 200);
      expect(deprecated).toMatchObject({ state: 'deprecated', sunsetAt, deprecatedAt: expect.any(String) });
      await eventually(() => routeStates(apiId).filter((event) => event.data.lifecycle.state === 'deprecated').length === 2, 'deprecated route states');
      expect(routeStates(apiId).at(-1)!.data.lifecycle).toEqual({ state: 'deprecated', deprecatedAt: deprecated.deprecatedAt, sunsetAt });

      await expectStatus(catalog.call('POST', `/apis/${apiId}/versions/v1/retire`, { token: admin }), 200);
      await eventually(() => routeStates(apiId).filter((event) => event.data.lifecycle.state === 'retired').length === 2, 'retired route states');
      await eventually(() => transitions(apiId).map((event) => `${event.data.from}→${event.data.to}`).join(' ') === 'null→draft draft→published published→deprecated deprecated→retired', 'every transition');
      expect(transitions(apiId).find((event) => event.data.to === 'deprecated')!.data.sunsetAt).toBe(sunsetAt);
      await eventually(() => catalog.collector.ofType(ApiStateV1.type).filter((event) => event.data.apiId === apiId).length >= 4, 'an API state per transition');
    });

    it('answers 409 listing the allowed transitions for every other move, and writes nothing', async () => {
      const apiId = await createApi(catalog, admin, { teamId: team });
      await createVersion(catalog, admin, apiId, {});
      const before = await catalog.snapshot();
      const retire = await expectStatus(catalog.call('POST', `/apis/${apiId}/versions/v1/retire`, { token: admin }), 409);
      expect(retire).toMatchObject({ error: 'invalid_transition', message: 'version v1 is draft and cannot move to retired; it can only move to published', details: { from: 'draft', to: 'retired', allowed: ['published'] } });
      const deprecate = await expectStatus(catalog.call('POST', `/apis/${apiId}/versions/v1/deprecate`, { token: admin, json: { sunsetAt: new Date(Date.now() + 86400_000).toISOString() } }), 409);
      expect(deprecate.details.allowed).toEqual(['published']);
      expect(await catalog.snapshot()).toEqual(before);
      await expectStatus(catalog.call('POST', `/apis/${apiId}/versions/v1/publish`, { token: admin }), 200);
      const again = await expectStatus(catalog.call('POST', `/apis/${apiId}/versions/v1/publish`, { token: admin }), 409);
      expect(again.details).toEqual({ from: 'published', to: 'published', allowed: ['deprecated'] });
      await expectStatus(catalog.call('POST', `/apis/${apiId}/versions/v1/deprecate`, { token: admin, json: { sunsetAt: new Date(Date.now() + 86400_000).toISOString() } }), 200);
      await expectStatus(catalog.call('POST', `/apis/${apiId}/versions/v1/retire`, { token: admin }), 200);
      const final = await expectStatus(catalog.call('POST', `/apis/${apiId}/versions/v1/publish`, { token: admin }), 409);
      expect(final).toMatchObject({ message: expect.stringMatching(/retired is final/), details: { allowed: [] } });
      const drafts = await expectStatus(catalog.call('DELETE', `/apis/${apiId}/versions/v1`, { token: admin }), 409);
      expect(drafts.message).toMatch(/only drafts can be deleted/);
    });

    it('refuses a version with no routes, and keeps the surface of released versions frozen while their upstream may change', async () => {
      const webhooks = await createApi(catalog, admin, { teamId: team });
      await createVersion(catalog, admin, webhooks, { openapi: fixtureText(fixtureNames.webhook31) });
      const empty = await expectStatus(catalog.call('POST', `/apis/${webhooks}/versions/v1/publish`, { token: admin }), 409);
      expect(empty).toMatchObject({ error: 'no_routes' });

      const apiId = await createApi(catalog, admin, { teamId: team });
      const basePath = `/${unique('frozen')}`;
      await createVersion(catalog, admin, apiId, { basePath });
      const moved = await expectStatus(catalog.call('PATCH', `/apis/${apiId}/versions/v1`, { token: admin, json: { basePath: `${basePath}/v1` } }), 200);
      expect(moved.routes.map((route: { path: string }) => route.path)).toEqual([`${basePath}/v1/pets`, `${basePath}/v1/pets/{petId}`]);
      await expectStatus(catalog.call('POST', `/apis/${apiId}/versions/v1/publish`, { token: admin }), 200);
      const frozen = await expectStatus(catalog.call('PATCH', `/apis/${apiId}/versions/v1`, { token: admin, json: { basePath: '/elsewhere' } }), 409);
      expect(frozen).toMatchObject({ error: 'version_released', details: { fields: ['basePath'] } });
      await expectStatus(catalog.call('PUT', `/apis/${apiId}/versions/v1/openapi`, { token: admin, text: fixtureText(fixtureNames.petstore31) }), 409);
      const target = { url: 'https://pets.internal.example:8443', weight: 5 };
      await expectStatus(catalog.call('PATCH', `/apis/${apiId}/versions/v1`, { token: admin, json: { upstream: { targets: [target], loadBalancing: 'least-outstanding' } } }), 200);
      await eventually(() => routeStates(apiId).filter((event) => event.data.upstream.targets[0].url === target.url).length === 2, 're-published routes with the new upstream');
      expect(routeStates(apiId).at(-1)!.data.upstream.loadBalancing).toBe('least-outstanding');
    });
  });

  describe('route collisions', () => {
    it('refuses to publish a route colliding with a published one (same host, method, path) and writes nothing', async () => {
      const first = await createApi(catalog, admin, { teamId: team, name: 'Pets one' });
      const basePath = `/${unique('shared')}`;
      await createVersion(catalog, admin, first, { basePath });
      await expectStatus(catalog.call('POST', `/apis/${first}/versions/v1/publish`, { token: admin }), 200);

      const second = await createApi(catalog, admin, { teamId: team, name: 'Pets two' });
      await createVersion(catalog, admin, second, { basePath, openapi: undefined, routes: [{ path: '/pets/{id}', methods: ['GET', 'PUT'] }, { path: '/owners', methods: ['GET'] }] });
      const dryRun = await expectStatus(catalog.call('POST', `/apis/${second}/versions/v1/publish`, { token: admin, json: { dryRun: true } }), 200);
      expect(dryRun).toMatchObject({ dryRun: true, publishable: false, state: 'draft' });
      const before = await catalog.snapshot();
      const refused = await expectStatus(catalog.call('POST', `/apis/${second}/versions/v1/publish`, { token: admin }), 409);
      expect(refused).toMatchObject({ error: 'route_collision', message: `version v1 cannot be published: GET *${basePath}/pets/{id} collides with Pets one v1 (${basePath}/pets/{petId})` });
      expect(refused.details.collisions).toEqual([{ path: `${basePath}/pets/{id}`, methods: ['GET'], host: null, existing: { tenantId: 'acme', apiId: first, apiName: 'Pets one', version: 'v1', path: `${basePath}/pets/{petId}` } }]);
      expect(await catalog.snapshot()).toEqual(before);
      await marker(second);
      expect(transitions(second).map((event) => event.data.to)).toEqual(['draft']);
      expect(routeStates(second)).toEqual([]);

      await expectStatus(catalog.call('PATCH', `/apis/${second}/versions/v1`, { token: admin, json: { host: 'pets-two.example.com' } }), 200);
      await expectStatus(catalog.call('POST', `/apis/${second}/versions/v1/publish`, { token: admin }), 200);
      await eventually(() => routeStates(second).length === 2, 'routes on their own host');
    });

    it('reports a collision with another tenant without its details', async () => {
      const globexTeam = await catalog.team('globex');
      const globex = await catalog.token({ tenant: 'globex', teams: { [globexTeam]: 'owner' } });
      const mine = await createApi(catalog, admin, { teamId: team });
      const basePath = `/${unique('contested')}`;
      await createVersion(catalog, admin, mine, { basePath });
      await expectStatus(catalog.call('POST', `/apis/${mine}/versions/v1/publish`, { token: admin }), 200);
      const theirs = await createApi(catalog, globex, { teamId: globexTeam });
      await createVersion(catalog, globex, theirs, { basePath });
      const refused = await expectStatus(catalog.call('POST', `/apis/${theirs}/versions/v1/publish`, { token: globex }), 409);
      expect(refused.details.collisions.map((collision: { existing: unknown }) => collision.existing)).toEqual([
        { tenantId: null, note: 'a route of another tenant' },
        { tenantId: null, note: 'a route of another tenant' },
      ]);
      expect(JSON.stringify(refused)).not.toContain(mine);
    });
  });

  describe('breaking-change report', () => {
    it('diffs two versions, shows the report in the publish dry run, and can refuse breaking changes', async () => {
      const apiId = await createApi(catalog, admin, { teamId: team });
      const root = `/${unique('evolving')}`;
      await createVersion(catalog, admin, apiId, { basePath: `${root}/v1` });
      await expectStatus(catalog.call('POST', `/apis/${apiId}/versions/v1/publish`, { token: admin }), 200);
      await createVersion(catalog, admin, apiId, { version: 'v2', basePath: `${root}/v2`, openapi: fixtureText(fixtureNames.petstore30v2) });

      const diff = await expectStatus(catalog.call('GET', `/apis/${apiId}/versions/v2/diff?against=v1`, { token: admin }), 200);
      expect(diff).toMatchObject({ version: 'v2', against: 'v1', summary: { compatible: false } });
      expect(diff.breaking.map((change: { code: string; operation: string; location: string }) => `${change.code} ${change.operation} ${change.location}`)).toEqual(
        expect.arrayContaining(['parameter-became-required GET /pets request.query.limit', 'property-added-required POST /pets request.body[application/json].species', 'property-removed GET /pets/{id} response[200][application/json].tag']),
      );
      expect(diff.nonBreaking.map((change: { code: string }) => change.code)).toEqual(expect.arrayContaining(['operation-added', 'response-status-added']));

      const dryRun = await expectStatus(catalog.call('POST', `/apis/${apiId}/versions/v2/publish`, { token: admin, json: { dryRun: true } }), 200);
      expect(dryRun).toMatchObject({ dryRun: true, against: 'v1', publishable: true, collisions: [], diff: { summary: diff.summary } });

      const before = await catalog.snapshot();
      const refused = await expectStatus(catalog.call('POST', `/apis/${apiId}/versions/v2/publish`, { token: admin, json: { refuseBreaking: true } }), 409);
      expect(refused).toMatchObject({ error: 'breaking_changes', message: expect.stringMatching(/^version v2 has \d+ breaking change\(s\) against v1/) });
      expect(await catalog.snapshot()).toEqual(before);

      const published = await expectStatus(catalog.call('POST', `/apis/${apiId}/versions/v2/publish`, { token: admin }), 200);
      expect(published.diff.summary).toEqual(diff.summary);
      const reverse = await expectStatus(catalog.call('GET', `/apis/${apiId}/versions/v1/diff?against=v2`, { token: admin }), 200);
      expect(reverse.breaking.map((change: { code: string }) => change.code)).toContain('operation-removed');
      await expectStatus(catalog.call('GET', `/apis/${apiId}/versions/v2/diff?against=v9`, { token: admin }), 404);
      await expectStatus(catalog.call('GET', `/apis/${apiId}/versions/v2/diff`, { token: admin }), 400);
    });
  });

  describe('deleting an API', () => {
    it('waits until no version is routed, then revokes open subscriptions and tombstones the API, its routes, plans and subscriptions', async () => {
      const apiId = await createApi(catalog, admin, { teamId: team });
      await createVersion(catalog, admin, apiId, {});
      const plan = await expectStatus(catalog.call('POST', `/apis/${apiId}/plans`, { token: admin, json: { name: 'basic', rateLimit: { requests: 10, per: 'second' } } }), 201);
      await expectStatus(catalog.call('POST', `/apis/${apiId}/versions/v1/publish`, { token: admin }), 200);
      const subscribe = async () => {
        const applicationId = await catalog.application('acme', team);
        return (await expectStatus(catalog.call('POST', `/apis/${apiId}/subscriptions`, { token: admin, json: { applicationId, planId: plan.id } }), 201)).id as string;
      };
      const approved = await subscribe();
      await expectStatus(catalog.call('POST', `/subscriptions/${approved}/approve`, { token: admin }), 200);
      const pending = await subscribe();
      const cancelled = await subscribe();
      await expectStatus(catalog.call('POST', `/subscriptions/${cancelled}/cancel`, { token: admin }), 200);
      const changesOf = (subscriptionId: string) =>
        catalog.collector
          .ofType(SubscriptionChangedV1.type)
          .filter((event) => event.data.subscriptionId === subscriptionId)
          .map((event) => `${event.data.from}→${event.data.status}${event.data.status === 'revoked' ? ` by ${event.data.by}` : ''}`);
      const live = await expectStatus(catalog.call('DELETE', `/apis/${apiId}`, { token: admin }), 409);
      expect(live.message).toMatch(/v1: published.*deprecate and retire them first/);
      await expectStatus(catalog.call('POST', `/apis/${apiId}/versions/v1/deprecate`, { token: admin, json: { sunsetAt: new Date(Date.now() + 60_000).toISOString() } }), 200);
      await expectStatus(catalog.call('POST', `/apis/${apiId}/versions/v1/retire`, { token: admin }), 200);
      const routeIds = (await catalog.rows('select id from routes where api_id = $1', [apiId])).map((row) => row.id);
      await expectStatus(catalog.call('DELETE', `/apis/${apiId}`, { token: admin }), 204);
      await eventually(() => catalog.collector.tombstones(Topics.apiState.name).includes(apiId), 'API tombstone');
      await eventually(() => routeIds.every((id) => catalog.collector.tombstones(Topics.routeState.name).includes(String(id))), 'route tombstones');
      await eventually(() => catalog.collector.tombstones(Topics.planState.name).includes(plan.id), 'plan tombstone');
      await eventually(
        () => catalog.collector.ofType(ApiChangedV1.type).some((event) => event.data.apiId === apiId && event.data.change === 'deleted'),
        'api deleted event',
      );
      await eventually(() => [approved, pending, cancelled].every((id) => catalog.collector.tombstones(Topics.subscriptionState.name).includes(id)), 'subscription tombstones');
      await eventually(() => changesOf(pending).length === 2, 'pending subscription revoked');
      expect(changesOf(approved)).toEqual(['null→pending', 'pending→approved', expect.stringMatching(/^approved→revoked by acme\//)]);
      expect(changesOf(pending)).toEqual(['null→pending', expect.stringMatching(/^pending→revoked by acme\//)]);
      expect(changesOf(cancelled)).toEqual(['null→pending', 'pending→cancelled']);
      await expectStatus(catalog.call('GET', `/apis/${apiId}`, { token: admin }), 404);
      await expectStatus(catalog.call('GET', `/subscriptions/${approved}`, { token: admin }), 404);
      expect(await catalog.rows('select id from routes where api_id = $1', [apiId])).toEqual([]);
      expect(await catalog.rows('select id from subscriptions where api_id = $1', [apiId])).toEqual([]);
    });
  });
});

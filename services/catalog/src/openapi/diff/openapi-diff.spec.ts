import { describe, expect, it } from 'vitest';
import { fixtureDocument, fixtureNames } from '../../testing/openapi-fixtures';
import type { ApiChange } from './diff.types';
import { diffOpenApi } from './openapi-diff';

type Doc = Record<string, unknown>;
const doc = (paths: Doc, schemas: Doc = {}, version = '3.0.3'): Doc => ({ openapi: version, info: { title: 't', version: '1' }, paths, components: { schemas } });
const ok = (schema?: unknown, status = '200') => ({ [status]: { description: 'ok', ...(schema ? { content: { 'application/json': { schema } } } : {}) } });
const get = (extra: Doc = {}) => ({ get: { responses: ok(), ...extra } });
const body = (schema: unknown, required = true) => ({ requestBody: { required, content: { 'application/json': { schema } } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const object = (properties: Doc, required: string[] = []) => ({ type: 'object', properties, ...(required.length ? { required } : {}) });

const codes = (changes: ApiChange[]) => changes.map((change) => change.code).sort();
const find = (changes: ApiChange[], code: string) => changes.filter((change) => change.code === code);

describe('diffOpenApi: paths and operations', () => {
  it('reports nothing between identical documents', () => {
    const document = doc({ '/pets': get(), '/pets/{id}': { get: { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: ok() } } });
    expect(diffOpenApi(document, structuredClone(document))).toEqual({ breaking: [], nonBreaking: [], summary: { breaking: 0, nonBreaking: 0, compatible: true } });
  });

  it('reports a removed path as breaking and an added one as not', () => {
    const report = diffOpenApi(doc({ '/pets': get(), '/owners': get() }), doc({ '/pets': get(), '/vets': get() }));
    expect(report.breaking).toEqual([expect.objectContaining({ code: 'path-removed', location: '/owners', operation: null })]);
    expect(report.nonBreaking).toEqual([expect.objectContaining({ code: 'path-added', location: '/vets' })]);
    expect(report.summary.compatible).toBe(false);
  });

  it('reports a removed operation when the path stays', () => {
    const report = diffOpenApi(doc({ '/pets': { ...get(), post: { responses: ok() } } }), doc({ '/pets': { ...get(), put: { responses: ok() } } }));
    expect(codes(report.breaking)).toEqual(['operation-removed']);
    expect(report.breaking[0]!.operation).toBe('POST /pets');
    expect(codes(report.nonBreaking)).toEqual(['operation-added']);
  });

  it('treats a renamed path parameter as the same path', () => {
    const before = doc({ '/pets/{id}': { get: { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: ok() } } });
    const after = doc({ '/pets/{petId}': { get: { parameters: [{ name: 'petId', in: 'path', required: true, schema: { type: 'string' } }], responses: ok() } } });
    expect(diffOpenApi(before, after).summary).toEqual({ breaking: 0, nonBreaking: 0, compatible: true });
  });
});

describe('diffOpenApi: parameters', () => {
  const withParameters = (...parameters: Doc[]) => doc({ '/pets': get({ parameters }) });

  it('classifies added, removed and re-required parameters', () => {
    const before = withParameters({ name: 'limit', in: 'query', schema: { type: 'integer' } }, { name: 'sort', in: 'query', schema: { type: 'string' } });
    const after = withParameters(
      { name: 'limit', in: 'query', required: true, schema: { type: 'integer' } },
      { name: 'X-Tenant', in: 'header', required: true, schema: { type: 'string' } },
      { name: 'offset', in: 'query', schema: { type: 'integer' } },
    );
    const report = diffOpenApi(before, after);
    expect(codes(report.breaking)).toEqual(['parameter-added-required', 'parameter-became-required']);
    expect(codes(report.nonBreaking)).toEqual(['parameter-added-optional', 'parameter-removed']);
    expect(find(report.breaking, 'parameter-added-required')[0]).toMatchObject({ operation: 'GET /pets', location: 'request.header.X-Tenant' });
  });

  it('matches header parameters case-insensitively and path-level parameters too', () => {
    const before = doc({ '/pets': { parameters: [{ name: 'x-trace', in: 'header', schema: { type: 'string' } }], ...get() } });
    const after = doc({ '/pets': get({ parameters: [{ name: 'X-Trace', in: 'header', schema: { type: 'string' } }] }) });
    expect(diffOpenApi(before, after).summary.breaking + diffOpenApi(before, after).summary.nonBreaking).toBe(0);
  });

  it('reports narrowed parameter types, enums and bounds as breaking, widened ones as not', () => {
    const before = withParameters(
      { name: 'limit', in: 'query', schema: { type: 'integer', maximum: 100 } },
      { name: 'kind', in: 'query', schema: { type: 'string', enum: ['dog', 'cat', 'bird'] } },
      { name: 'page', in: 'query', schema: { type: 'integer' } },
      { name: 'q', in: 'query', schema: { type: 'string' } },
    );
    const after = withParameters(
      { name: 'limit', in: 'query', schema: { type: 'integer', maximum: 50 } },
      { name: 'kind', in: 'query', schema: { type: 'string', enum: ['dog', 'cat', 'fish'] } },
      { name: 'page', in: 'query', schema: { type: 'number' } },
      { name: 'q', in: 'query', schema: { type: 'integer' } },
    );
    const report = diffOpenApi(before, after);
    expect(codes(report.breaking)).toEqual(['constraint-narrowed', 'enum-value-removed', 'type-changed']);
    expect(find(report.breaking, 'enum-value-removed')[0]!.message).toContain('"bird"');
    expect(codes(report.nonBreaking)).toEqual(['enum-value-added', 'type-widened']);
  });
});

describe('diffOpenApi: request bodies', () => {
  const post = (requestBody: Doc) => doc({ '/pets': { post: { ...requestBody, responses: ok() } } });

  it('reports new required request fields and fields that became required', () => {
    const report = diffOpenApi(post(body(object({ name: { type: 'string' }, tag: { type: 'string' } }, ['name']))), post(body(object({ name: { type: 'string' }, tag: { type: 'string' }, species: { type: 'string' } }, ['name', 'tag', 'species']))));
    expect(report.breaking.map((change) => [change.code, change.location])).toEqual([
      ['property-became-required', 'request.body[application/json].tag'],
      ['property-added-required', 'request.body[application/json].species'],
    ]);
  });

  it('accepts new optional fields and removed request fields', () => {
    const report = diffOpenApi(post(body(object({ name: { type: 'string' }, tag: { type: 'string' } }))), post(body(object({ name: { type: 'string' }, color: { type: 'string' } }))));
    expect(report.breaking).toEqual([]);
    expect(codes(report.nonBreaking)).toEqual(['property-added', 'property-removed']);
  });

  it('reports a body that became required, a new required body and a removed media type', () => {
    expect(codes(diffOpenApi(post(body(object({}), false)), post(body(object({}), true))).breaking)).toEqual(['request-body-became-required']);
    expect(codes(diffOpenApi(post({}), post(body(object({}), true))).breaking)).toEqual(['request-body-added-required']);
    expect(codes(diffOpenApi(post({}), post(body(object({}), false))).nonBreaking)).toEqual(['request-body-added-optional']);
    const xml = { requestBody: { content: { 'application/json': { schema: object({}) }, 'application/xml': { schema: object({}) } } } };
    expect(codes(diffOpenApi(post(xml), post(body(object({}), false))).breaking)).toEqual(['media-type-removed']);
  });

  it('ignores readOnly properties in requests', () => {
    const report = diffOpenApi(post(body(object({ name: { type: 'string' } }))), post(body(object({ name: { type: 'string' }, id: { type: 'string', readOnly: true } }, ['id']))));
    expect(report.breaking).toEqual([]);
  });

  it('reports nullability removed from a request field and fewer oneOf variants', () => {
    const before = post(body(object({ note: { type: 'string', nullable: true }, pet: { oneOf: [ref('Dog'), ref('Cat')] } })));
    const after = post(body(object({ note: { type: 'string' }, pet: { oneOf: [ref('Dog')] } })));
    const schemas = { Dog: object({ bark: { type: 'boolean' } }), Cat: object({ meow: { type: 'boolean' } }) };
    const report = diffOpenApi({ ...before, components: { schemas } }, { ...after, components: { schemas } });
    expect(codes(report.breaking)).toEqual(['nullable-removed', 'variant-removed']);
  });
});

describe('diffOpenApi: responses', () => {
  const responds = (responses: Doc) => doc({ '/pets': { get: { responses } } });

  it('reports removed status codes and response fields, required fields that became optional and changed types', () => {
    const before = responds({ ...ok(object({ id: { type: 'integer' }, name: { type: 'string' }, tag: { type: 'string' } }, ['id', 'name'])), ...ok(undefined, '404') });
    const after = responds({ ...ok(object({ id: { type: 'string' }, name: { type: 'string' }, color: { type: 'string' } }, ['id'])), ...ok(undefined, '429') });
    const report = diffOpenApi(before, after);
    expect(report.breaking.map((change) => [change.code, change.location])).toEqual([
      ['type-changed', 'response[200][application/json].id'],
      ['property-became-optional', 'response[200][application/json].name'],
      ['property-removed', 'response[200][application/json].tag'],
      ['response-status-removed', 'response[404]'],
    ]);
    expect(codes(report.nonBreaking)).toEqual(['property-added', 'response-status-added']);
  });

  it('allows narrower response values and new enum values, not a response that may now be null', () => {
    const before = responds(ok(object({ score: { type: 'number' }, state: { type: 'string', enum: ['a', 'b'] }, name: { type: 'string' } })));
    const after = responds(ok(object({ score: { type: 'integer' }, state: { type: 'string', enum: ['a', 'b', 'c'] }, name: { type: ['string', 'null'] } })));
    const report = diffOpenApi(before, { ...after, openapi: '3.1.0' });
    expect(codes(report.nonBreaking)).toEqual(['enum-value-added', 'type-narrowed']);
    expect(codes(report.breaking)).toEqual(['nullable-added']);
  });

  it('reports a removed response media type', () => {
    const before = responds({ '200': { description: 'ok', content: { 'application/json': { schema: object({}) }, 'text/csv': { schema: { type: 'string' } } } } });
    expect(codes(diffOpenApi(before, responds(ok(object({})))).breaking)).toEqual(['media-type-removed']);
  });
});

describe('diffOpenApi: references', () => {
  it('resolves $refs (and allOf) before comparing', () => {
    const paths = { '/pets': { get: { responses: ok({ type: 'array', items: ref('Pet') }) } } };
    const before = doc(paths, { Pet: { allOf: [ref('Base'), object({ name: { type: 'string' }, tag: { type: 'string' } })] }, Base: object({ id: { type: 'integer' } }, ['id']) });
    const after = doc(paths, { Pet: { allOf: [ref('Base'), object({ name: { type: 'string' } })] }, Base: object({ id: { type: 'integer' } }) });
    const report = diffOpenApi(before, after);
    expect(report.breaking.map((change) => [change.code, change.location])).toEqual([
      ['property-became-optional', 'response[200][application/json][].id'],
      ['property-removed', 'response[200][application/json][].tag'],
    ]);
  });

  it('terminates on recursive schemas and still sees changes inside them', () => {
    const paths = { '/tree': { get: { responses: ok(ref('Node')) } } };
    const node = (extra: Doc) => ({ Node: object({ children: { type: 'array', items: ref('Node') }, ...extra }) });
    const report = diffOpenApi(doc(paths, node({ label: { type: 'string' } })), doc(paths, node({})));
    expect(report.breaking).toHaveLength(1);
    expect(report.breaking[0]).toMatchObject({ code: 'property-removed', location: 'response[200][application/json].label' });
  });

  it('resolves referenced parameters, request bodies and responses', () => {
    const components = (limit: Doc, pet: Doc) => ({
      schemas: { Pet: pet },
      parameters: { Limit: limit },
      requestBodies: { PetBody: { required: true, content: { 'application/json': { schema: ref('Pet') } } } },
      responses: { PetOk: { description: 'ok', content: { 'application/json': { schema: ref('Pet') } } } },
    });
    const paths = { '/pets': { post: { parameters: [{ $ref: '#/components/parameters/Limit' }], requestBody: { $ref: '#/components/requestBodies/PetBody' }, responses: { '200': { $ref: '#/components/responses/PetOk' } } } } };
    const before = { ...doc(paths), components: components({ name: 'limit', in: 'query', schema: { type: 'integer' } }, object({ name: { type: 'string' } })) };
    const after = { ...doc(paths), components: components({ name: 'limit', in: 'query', required: true, schema: { type: 'integer' } }, object({ kind: { type: 'string' } }, ['kind'])) };
    expect(codes(diffOpenApi(before, after).breaking)).toEqual(['parameter-became-required', 'property-added-required', 'property-removed']);
  });
});

describe('diffOpenApi on the fixtures', () => {
  it('finds the breaking changes between the Petstore and its v2', () => {
    const report = diffOpenApi(fixtureDocument(fixtureNames.petstore30), fixtureDocument(fixtureNames.petstore30v2));
    const breaking = report.breaking.map((change) => `${change.code} ${change.operation} ${change.location}`);
    expect(breaking).toEqual(
      expect.arrayContaining([
        'parameter-became-required GET /pets request.query.limit',
        'constraint-narrowed GET /pets request.query.limit',
        'property-removed GET /pets response[200][application/json][].tag',
        'type-changed GET /pets response[default][application/json].code',
        'property-added-required POST /pets request.body[application/json].species',
        'property-removed GET /pets/{id} response[200][application/json].tag',
      ]),
    );
    const nonBreaking = report.nonBreaking.map((change) => `${change.code} ${change.operation}`);
    expect(nonBreaking).toEqual(expect.arrayContaining(['parameter-added-optional GET /pets', 'response-status-added GET /pets/{id}', 'operation-added DELETE /pets/{id}']));
    expect(report.breaking.every((change) => change.severity === 'breaking')).toBe(true);
  });

  it('sees the reverse evolution differently: the new DELETE operation disappears', () => {
    const report = diffOpenApi(fixtureDocument(fixtureNames.petstore30v2), fixtureDocument(fixtureNames.petstore30));
    expect(report.breaking.map((change) => `${change.code} ${change.operation}`)).toContain('operation-removed DELETE /pets/{id}');
  });

  it('reports the 3.1 Petstore tag as possibly null in responses', () => {
    const report = diffOpenApi(fixtureDocument(fixtureNames.petstore30), fixtureDocument(fixtureNames.petstore31));
    expect(report.breaking.map((change) => `${change.code} ${change.location}`)).toEqual(
      expect.arrayContaining(['nullable-added response[200][application/json][].tag', 'nullable-added response[200][application/json].tag']),
    );
    expect(report.breaking.every((change) => change.code === 'nullable-added')).toBe(true);
  });

  it('diffs the large description against itself and against a mutated copy', () => {
    const large = fixtureDocument(fixtureNames.large);
    const started = Date.now();
    expect(diffOpenApi(large, structuredClone(large)).summary).toEqual({ breaking: 0, nonBreaking: 0, compatible: true });
    const mutated = structuredClone(large) as { paths: Record<string, unknown>; components: { schemas: Record<string, Record<string, unknown>> } };
    delete mutated.paths['/orders/{orderId}/history'];
    const input = mutated.components.schemas.OrderInput!;
    input.properties = { ...(input.properties as object), channelCode: { type: 'string' } };
    input.required = [...(input.required as string[]), 'channelCode'];
    mutated.components.schemas.Status!.enum = (mutated.components.schemas.Status!.enum as string[]).filter((value) => value !== 'failed');
    const report = diffOpenApi(large, mutated);
    console.log(`diffed the large description twice in ${Date.now() - started} ms`);
    expect(find(report.breaking, 'path-removed').map((change) => change.location)).toEqual(['/orders/{orderId}/history']);
    expect(find(report.breaking, 'property-added-required').map((change) => change.operation)).toEqual(['POST /orders']);
    expect(find(report.breaking, 'enum-value-removed').length).toBeGreaterThanOrEqual(70);
    expect(find(report.nonBreaking, 'enum-value-removed').length).toBeGreaterThan(0);
  });

  it("diffs GitHub's REST description against itself and against a copy with real-looking breaking changes", () => {
    const github = fixtureDocument(fixtureNames.githubRest);
    const started = Date.now();
    expect(diffOpenApi(github, structuredClone(github)).summary).toEqual({ breaking: 0, nonBreaking: 0, compatible: true });
    type Operation = { requestBody: { content: Record<string, { schema: { required: string[] } }> }; responses: Record<string, unknown> };
    const mutated = structuredClone(github) as { paths: Record<string, Record<string, Operation>> };
    delete mutated.paths['/gists/{gist_id}/star'];
    const createIssue = mutated.paths['/repos/{owner}/{repo}/issues']!.post!;
    createIssue.requestBody.content['application/json']!.schema.required.push('body');
    delete createIssue.responses['410'];
    mutated.paths['/octocat/v2'] = structuredClone(mutated.paths['/octocat']!);
    const report = diffOpenApi(github, mutated);
    console.log(`diffed GitHub's REST description twice in ${Date.now() - started} ms`);
    expect(find(report.breaking, 'path-removed').map((change) => change.location)).toEqual(['/gists/{gist_id}/star']);
    expect(find(report.breaking, 'property-became-required').map((change) => `${change.operation} ${change.location}`)).toEqual(['POST /repos/{owner}/{repo}/issues request.body[application/json].body']);
    expect(find(report.breaking, 'response-status-removed').map((change) => `${change.operation} ${change.location}`)).toEqual(['POST /repos/{owner}/{repo}/issues response[410]']);
    expect(report.breaking).toHaveLength(3);
    expect(find(report.nonBreaking, 'path-added').map((change) => change.location)).toEqual(['/octocat/v2']);
  }, 60_000);
});

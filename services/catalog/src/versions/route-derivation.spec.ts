import { describe, expect, it } from 'vitest';
import { OpenApiDocumentError } from '../openapi/document-issue';
import { fixtureDocument, fixtureNames } from '../testing/openapi-fixtures';
import { declaredRoutes, deriveRoutes } from './route-derivation';

describe('deriveRoutes', () => {
  it('routes every path of the Petstore under the base path', () => {
    expect(deriveRoutes(fixtureDocument(fixtureNames.petstore30), '/petstore/v1')).toEqual([
      { template: '/pets', path: '/petstore/v1/pets', normalizedPath: '/petstore/v1/pets', methods: ['GET', 'POST'] },
      { template: '/pets/{petId}', path: '/petstore/v1/pets/{petId}', normalizedPath: '/petstore/v1/pets/{}', methods: ['GET'] },
    ]);
  });

  it('routes nothing for a webhook-only 3.1 document', () => {
    expect(deriveRoutes(fixtureDocument(fixtureNames.webhook31), '/hooks')).toEqual([]);
  });

  it('routes the 350 paths of the large description', () => {
    const routes = deriveRoutes(fixtureDocument(fixtureNames.large), '/');
    expect(routes).toHaveLength(350);
    expect(routes.find((route) => route.path === '/orders/{orderId}')).toMatchObject({ methods: ['GET', 'PATCH', 'DELETE'], normalizedPath: '/orders/{}' });
  });

  it("routes GitHub's REST description, merging the templates that differ only by parameter names", () => {
    const document = fixtureDocument(fixtureNames.githubRest) as { paths: Record<string, unknown> };
    const routes = deriveRoutes(document, '/github');
    expect(Object.keys(document.paths)).toHaveLength(811);
    expect(routes).toHaveLength(809);
    expect(new Set(routes.map((route) => route.normalizedPath)).size).toBe(routes.length);
    expect(routes.find((route) => route.template === '/repos/{owner}/{repo}/issues')).toMatchObject({ path: '/github/repos/{owner}/{repo}/issues', methods: ['GET', 'POST'] });
    expect(routes.find((route) => route.template === '/gists/{gist_id}/star')!.methods).toEqual(['GET', 'PUT', 'DELETE']);
  }, 30_000);

  it('routes the 101 paths of the rclone 3.1 description', () => {
    const routes = deriveRoutes(fixtureDocument(fixtureNames.rcloneRc), '/rclone');
    expect(routes).toHaveLength(101);
    expect(routes.find((route) => route.template === '/rc/noop')).toMatchObject({ path: '/rclone/rc/noop', methods: ['POST'] });
  });

  it('merges templates that differ only by parameter names, and refuses them when a method repeats', () => {
    const responses = { '200': { description: 'ok' } };
    const document = { paths: { '/pets/{id}': { get: { responses } }, '/pets/{petId}': { delete: { responses } } } };
    expect(deriveRoutes(document, '/v1')).toEqual([{ template: '/pets/{id}', path: '/v1/pets/{id}', normalizedPath: '/v1/pets/{}', methods: ['GET', 'DELETE'] }]);
    const ambiguous = { paths: { '/pets/{id}': { get: { responses } }, '/pets/{petId}': { get: { responses } } } };
    expect(() => deriveRoutes(ambiguous, '/v1')).toThrow(OpenApiDocumentError);
    expect(() => deriveRoutes(ambiguous, '/v1')).toThrow(/GET \/pets\/\{petId\} is the same route as \/pets\/\{id\}/);
  });

  it('refuses routes longer than a route state may carry', () => {
    const responses = { '200': { description: 'ok' } };
    expect(() => deriveRoutes({ paths: { [`/${'a'.repeat(1995)}`]: { get: { responses } } } }, '/base')).toThrow(/longer than 2000 characters/);
  });

  it('never routes TRACE and refuses unroutable templates', () => {
    const responses = { '200': { description: 'ok' } };
    expect(deriveRoutes({ paths: { '/echo': { trace: { responses }, head: { responses } } } }, '/')).toEqual([{ template: '/echo', path: '/echo', normalizedPath: '/echo', methods: ['HEAD'] }]);
    expect(() => deriveRoutes({ paths: { '/files/{name': { get: { responses } } } }, '/')).toThrow(/cannot be routed/);
  });
});

describe('declaredRoutes', () => {
  it('joins declared paths with the base path', () => {
    expect(declaredRoutes([{ path: '/orders/{id}', methods: ['GET', 'PUT'] }], '/shop')).toEqual([
      { template: '/orders/{id}', path: '/shop/orders/{id}', normalizedPath: '/shop/orders/{}', methods: ['GET', 'PUT'] },
    ]);
  });
});

import { expect } from 'vitest';
import type { CatalogHarness } from './catalog-harness';
import { fixtureNames, fixtureText } from './openapi-fixtures';

export const UPSTREAM = { targets: [{ url: 'http://127.0.0.1:9001', weight: 3 }, { url: 'http://127.0.0.1:9002', weight: 1 }] };

let counter = 0;
export const unique = (label: string) => `${label}-${Date.now().toString(36)}-${++counter}`;

/** Creates an API and returns its id (asserting 201). */
export async function createApi(catalog: CatalogHarness, token: string, body: Record<string, unknown>): Promise<string> {
  const response = await catalog.call('POST', '/apis', { token, json: { name: unique('api'), ...body } });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.id as string;
}

/** Creates a draft version (the Petstore by default) and returns the response body. */
export async function createVersion(catalog: CatalogHarness, token: string, apiId: string, body: Record<string, unknown>): Promise<any> {
  const response = await catalog.call('POST', `/apis/${apiId}/versions`, {
    token,
    json: { version: 'v1', basePath: `/${unique('base')}`, upstream: UPSTREAM, openapi: fixtureText(fixtureNames.petstore30), ...body },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
}

export async function expectStatus(response: Promise<{ status: number; body: any }>, status: number): Promise<any> {
  const result = await response;
  expect(result.status, JSON.stringify(result.body)).toBe(status);
  return result.body;
}

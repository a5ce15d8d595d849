import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { CatalogHarness } from '../../testing/catalog-harness';

let counter = 0;
/** A name unique across runs, for providers, models and policies. */
export const aiName = (label: string) => `${label}-${Date.now().toString(36)}-${++counter}`;

/** A fresh, recognizable provider credential. */
export const newCredential = () => `sk-test-${randomBytes(18).toString('hex')}`;

/** The env of a catalog with its own master key and gateway transport secret. */
export function aiEnv(): { env: Record<string, string>; gatewaySecret: string } {
  const gatewaySecret = `gw-test:${randomBytes(32).toString('base64url')}`;
  return { env: { CATALOG_MASTER_KEY: `mk1:${randomBytes(32).toString('base64url')}`, KEY_TRANSPORT_SECRET_GATEWAY: gatewaySecret }, gatewaySecret };
}

async function created(catalog: CatalogHarness, path: string, token: string, json: Record<string, unknown>): Promise<any> {
  const response = await catalog.call('POST', path, { token, json });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
}

export const createProvider = (catalog: CatalogHarness, token: string, json: Record<string, unknown>) =>
  created(catalog, '/ai/providers', token, { name: aiName('provider'), type: 'openai', credential: newCredential(), ...json });

export const createModel = (catalog: CatalogHarness, token: string, json: Record<string, unknown>) =>
  created(catalog, '/ai/models', token, { name: aiName('model'), upstreamModel: 'gpt-4o-mini', contextWindow: 128_000, ...json });

export const createPolicy = (catalog: CatalogHarness, token: string, json: Record<string, unknown>) => created(catalog, '/ai/policies', token, { model: aiName('policy'), ...json });

/** Every row of every table of the catalog's schema, as text (bytea columns in hex). */
export async function everyRowAsText(catalog: CatalogHarness): Promise<string> {
  const tables = (await catalog.dataSource.query(`select table_name from information_schema.tables where table_schema = $1 and table_type = 'BASE TABLE'`, [catalog.env.schema])) as Array<{ table_name: string }>;
  expect(tables.map((table) => table.table_name)).toEqual(expect.arrayContaining(['ai_providers', 'outbox', 'api_versions']));
  const texts: string[] = [];
  for (const { table_name: table } of tables) {
    const rows = (await catalog.dataSource.query(`select t::text as row from "${catalog.env.schema}"."${table}" t`)) as Array<{ row: string }>;
    texts.push(...rows.map((row) => `${table}: ${row.row}`));
  }
  expect(texts.some((text) => text.startsWith('ai_providers: '))).toBe(true);
  return texts.join('\n');
}

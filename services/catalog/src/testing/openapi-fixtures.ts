import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

/** The OpenAPI documents under test/fixtures/openapi. */
export const FIXTURES_DIR = resolve(__dirname, '../../../../test/fixtures/openapi');

export const fixtureNames = {
  petstore30: 'petstore-3.0.yaml',
  petstore30v2: 'petstore-3.0-v2.yaml',
  petstore31: 'petstore-3.1.yaml',
  petstoreExpanded: 'petstore-expanded-3.0.json',
  webhook31: 'webhook-example-3.1.yaml',
  swagger20: 'petstore-swagger-2.0.json',
  invalid: 'petstore-invalid.yaml',
  large: 'large-commerce-3.0.json',
  /** Downloaded public descriptions: source, version and license in the folder's README. */
  githubRest: 'github-rest-3.0.json',
  rcloneRc: 'rclone-rc-3.1.json',
  blockfrostInvalid: 'blockfrost-3.0-invalid.yaml',
} as const;

export function fixtureText(name: string): string {
  return readFileSync(join(FIXTURES_DIR, name), 'utf8');
}

export function fixtureDocument(name: string): Record<string, unknown> {
  const text = fixtureText(name);
  return (name.endsWith('.json') ? JSON.parse(text) : parse(text)) as Record<string, unknown>;
}

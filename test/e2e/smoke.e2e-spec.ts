import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/platform';

const openApiDir = join(__dirname, '../../docs/openapi');
const services = ['keys', 'identity', 'catalog', 'metering', 'gatewayControl'] as const;
const fileOf = (name: string) => join(openApiDir, `${name === 'gatewayControl' ? 'gateway' : name}.json`);

describe('the platform', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform('smoke');
  }, 240_000);
  afterAll(() => platform?.stop());

  it('boots all five services, each ready with metrics', async () => {
    for (const name of services) {
      const base = platform.urls[name];
      const ready = await fetch(`${base}/health/ready`);
      expect(ready.status, `${name} ready`).toBe(200);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics, `${name} metrics`).toContain('process_cpu_seconds_total');
    }
  });

  // `UPDATE_OPENAPI_DOCS=1 npx vitest run --project integration test/e2e/smoke.e2e-spec.ts` rewrites them.
  it('serves at /docs the OpenAPI document committed under docs/openapi/', async () => {
    for (const name of services) {
      const response = await fetch(`${platform.urls[name]}/docs/openapi.json`);
      expect(response.status, `${name} docs`).toBe(200);
      const served = `${JSON.stringify(await response.json(), null, 2)}\n`;
      if (process.env.UPDATE_OPENAPI_DOCS === '1') {
        mkdirSync(openApiDir, { recursive: true });
        writeFileSync(fileOf(name), served);
      }
      expect(served, `docs/openapi/${name}.json is stale`).toBe(readFileSync(fileOf(name), 'utf8'));
    }
  });
});

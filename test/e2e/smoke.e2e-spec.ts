import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/platform';

describe('the platform', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform('smoke');
  }, 240_000);
  afterAll(() => platform?.stop());

  it('boots all five services, each ready with metrics and an OpenAPI document', async () => {
    for (const [name, base] of Object.entries(platform.urls)) {
      if (name === 'gateway') continue;
      const ready = await fetch(`${base}/health/ready`);
      expect(ready.status, `${name} ready`).toBe(200);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics, `${name} metrics`).toContain('process_cpu_seconds_total');
      const docs = await fetch(`${base}/docs/openapi.json`);
      expect(docs.status, `${name} docs`).toBe(200);
    }
  });
});

import { type FakeProvider, startFakeProvider } from '@gatehouse/ai/testing';
import { AdminClient, eventually } from './admin-client';
import type { ChaosUrls } from './chaos-platform';
import { type Lane, type Seeded, subscribeAll, tokensGranted } from './seed';

export interface SeededAi {
  readonly lanes: readonly Lane[];
  close(): Promise<void>;
}

/**
 * An `ai` API of the same tenant in front of a fake OpenAI provider on loopback (the AI
 * library's recorded fixtures): provider, priced model, API, plan, published version, every
 * application subscribed. Returns the reason instead when the platform cannot serve it, so
 * the run goes on with the HTTP lanes only.
 */
export async function seedAi(urls: ChaosUrls, adminToken: string, seeded: Seeded, probe: (lane: Lane) => Promise<number>): Promise<SeededAi | string> {
  const catalog = new AdminClient(urls.catalog, adminToken);
  let fake: FakeProvider | undefined;
  try {
    fake = await startFakeProvider('openai');
    const provider = fake;
    // The fake keeps every request it received; the run sends thousands.
    const forget = setInterval(() => provider.reset(), 1_000);
    forget.unref();
    const created = await catalog.post('/ai/providers', { teamId: seeded.ownerTeam, name: 'fake-openai', type: 'openai', baseUrl: fake.baseUrl, credential: fake.apiKey });
    await catalog.post('/ai/models', { teamId: seeded.ownerTeam, name: 'gpt-4o', providerId: created.id, upstreamModel: 'gpt-4o', contextWindow: 128_000, prices: { input: 2.5, output: 10, cached: 1.25, currency: 'USD' } });
    const api = await catalog.post('/apis', { kind: 'ai', teamId: seeded.ownerTeam, name: `assistant ${seeded.tenant}`, visibility: 'tenant' });
    const basePath = `/${seeded.tenant}/assistant`;
    await catalog.post(`/apis/${api.id}/versions`, { version: 'v1', basePath });
    const plan = await catalog.post(`/apis/${api.id}/plans`, { name: 'Chaos', rateLimit: { requests: 100_000, per: 'second' } });
    await catalog.post(`/apis/${api.id}/versions/v1/publish`, {});
    await subscribeAll(catalog, api.id, plan.id, seeded.apps);
    const body = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Say hello.' }], max_tokens: 16 });
    const lanes: Lane[] = seeded.apps.map((app) => {
      const owner = seeded.lanes.find((lane) => lane.app.id === app.id)!.name.split('→')[0];
      return { name: `${owner}→assistant`, app, api: { id: api.id, audience: api.audience, basePath }, method: 'POST', path: `${basePath}/v1/chat/completions`, body };
    });
    await tokensGranted(urls.identity, lanes);
    // The gateways learn the AI state from the catalog's compacted topic.
    let last = 0;
    await eventually('the AI route to answer 200', async () => ((last = await probe(lanes[0]!)) === 200 ? true : undefined), 30_000, 250).catch((error: Error) => {
      throw new Error(`${error.message}; the gateway's last answer was ${last}`);
    });
    return {
      lanes,
      close: async () => {
        clearInterval(forget);
        await provider.close();
      },
    };
  } catch (error) {
    await fake?.close().catch(() => undefined);
    return (error as Error).message.slice(0, 300);
  }
}

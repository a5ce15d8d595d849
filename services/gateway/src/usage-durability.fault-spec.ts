import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RouteStateV1 } from '@gatehouse/contracts';
import { type LocalKafka, repoRoot, requireLocalKafka, startLocalKafka, stateDir } from '@gatehouse/devstack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayHarness, type GatewayInstance, waitFor } from './testing/gateway-harness';
import { routeState } from './testing/state-builders';
import { UpstreamServer } from './testing/upstream-server';
import { UsageCollector } from './testing/usage-collector';

/**
 * Runs its own broker (never the shared one): stops it in the middle of traffic and starts it
 * again on the same ports and data directory.
 */
describe('usage is never lost', () => {
  const root = repoRoot();
  const work = mkdtempSync(join(tmpdir(), 'gw-durable-kafka-'));
  const location = { root, cacheDir: join(stateDir(root), 'kafka'), dataDir: join(work, 'data'), workDir: work };
  const upstream = new UpstreamServer();
  let broker: LocalKafka;
  let harness: GatewayHarness;
  let gateway: GatewayInstance;

  beforeAll(async () => {
    await requireLocalKafka('usage-durability.fault-spec.ts', root);
    const upstreamUrl = await upstream.start();
    broker = await startLocalKafka(location);
    harness = await GatewayHarness.create('durable', broker.brokers);
    await harness.publish(RouteStateV1, routeState({ routeId: 'r-open', path: '/open/{rest*}', stripPrefix: '/open', upstreamUrl, auth: { methods: [], requireEncryptedToken: false, scopes: [] } }));
    gateway = await harness.startGateway({ GATEWAY_USAGE_SEND_TIMEOUT_MS: '2000', GATEWAY_USAGE_FLUSH_MS: '50' });
  });

  afterAll(async () => {
    await gateway?.close();
    await harness?.producer.disconnect().catch(() => undefined);
    await broker?.stop();
    await upstream.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('journals usage while the broker is down and replays it: every record reaches the topic, once per record id', async () => {
    const ids: string[] = [];
    let sending = true;
    const traffic = (async () => {
      for (let index = 0; sending; index += 1) {
        const answer = await fetch(`${gateway.proxyUrl}/open/${index % 5 === 0 ? 'nowhere/../missing' : 'echo'}`);
        expect([200]).toContain(answer.status);
        ids.push(answer.headers.get('x-request-id')!);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    await waitFor(() => ids.length >= 30, 10_000, 'traffic before the outage');
    // A clean stop: a broker killed mid-write may lose acknowledged records above its last
    // high-watermark checkpoint, which no producer can prevent; that is not what this tests.
    const exit = await broker.process.stop(90_000);
    expect(exit.signal).not.toBe('SIGKILL');
    const duringOutage = ids.length;
    await waitFor(() => gateway.runtime.dataPlane.usage.isDegraded && ids.length >= duringOutage + 100, 30_000, 'journaling during the outage');
    expect(gateway.runtime.dataPlane.usage.journalBatches).toBeGreaterThan(0);
    broker = await startLocalKafka({ ...location, port: broker.port, controllerPort: broker.controllerPort });
    const afterRestart = ids.length;
    await waitFor(() => ids.length >= afterRestart + 30, 10_000, 'traffic after the restart');
    sending = false;
    await traffic;

    await waitFor(() => !gateway.runtime.dataPlane.usage.isDegraded, 60_000, 'journal replayed');
    await harness.publish(RouteStateV1, routeState({ routeId: 'r-after', path: '/after/{rest*}', upstreamUrl: upstream.url, auth: { methods: [], requireEncryptedToken: false, scopes: [] } }));
    // Requests that check the state is followed again produce usage records too.
    const probes: string[] = [];
    await waitFor(
      async () => {
        const answer = await fetch(`${gateway.proxyUrl}/after/x`);
        probes.push(answer.headers.get('x-request-id')!);
        return answer.status === 200;
      },
      30_000,
      'state followed again after the outage',
    );
    const expected = new Set([...ids, ...probes]);
    expect(expected.size).toBe(ids.length + probes.length);
    const usage = new UsageCollector(harness.kafka, harness.prefix);
    await usage.start();
    try {
      try {
        await waitFor(() => usage.has(expected), 60_000, `all ${expected.size} usage records on the topic`);
      } catch (error) {
        const missing = ids.map((id, index) => [id, index] as const).filter(([id]) => !usage.records.has(id)).map(([, index]) => index);
        throw new Error(`${(error as Error).message}; outage began at #${duringOutage}, restart at #${afterRestart}; missing request indexes ${missing.slice(0, 50).join(',')} (${missing.length}); ${await usageMetrics(gateway.controlUrl)}`);
      }
      await waitFor(() => usage.reachedEnd(), 30_000, 'the whole usage topic read');
      const repeated = usage.repeated();
      console.log(
        `[usage durability] ${ids.length} requests (${probes.length} probes); outage at #${duringOutage}, restart at #${afterRestart}; ` +
          `${repeated.length} record ids on the topic more than once (${repeated.reduce((sum, [, count]) => sum + count - 1, 0)} extra copies); ${await usageMetrics(gateway.controlUrl)}`,
      );
      // What metering counts: the distinct record ids, which must be exactly the requests made.
      expect(new Set(usage.counts.keys())).toEqual(expected);
    } finally {
      await usage.stop();
    }
  }, 240_000);
});

async function usageMetrics(controlUrl: string): Promise<string> {
  const metrics = await (await fetch(`${controlUrl}/metrics`)).text();
  return metrics
    .split('\n')
    .filter((line) => line.startsWith('gateway_usage_records_total'))
    .join(' | ');
}

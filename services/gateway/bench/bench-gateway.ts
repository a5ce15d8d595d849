import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TransportSecret } from '@gatehouse/auth';
import { UsageRecordedV1 } from '@gatehouse/contracts';
import { createKafka, ensureTopics, EventProducer } from '@gatehouse/messaging';
import { Registry } from 'prom-client';
import { DataPlane } from '../src/data-plane/data-plane';
import type { UsageSink } from '../src/data-plane/usage/usage-record';
import { applyStateRecord } from '../src/state-sync/state-feed';
import type { BenchState } from './bench-state';
import { gatewayStateDefinitions } from '../src/state-sync/state-feed';

/**
 * The benchmark's gateway: the real data plane (no Nest, no Kafka consumer) with its state
 * applied from the records the parent sends, so the request path is exactly production's.
 * Usage goes to Kafka when KAFKA_BROKERS is set, else to a sink that only counts.
 */
async function sink(): Promise<{ sink: UsageSink; describe: string }> {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) {
    return { sink: { send: async () => undefined }, describe: 'usage batched in memory, counted, not produced (set KAFKA_BROKERS to produce)' };
  }
  const prefix = `gateway-bench.${Date.now().toString(36)}.`;
  const kafka = createKafka({ clientId: 'gateway-bench', brokers: brokers.split(',') });
  await ensureTopics(kafka, prefix, [UsageRecordedV1.topic]);
  const producer = new EventProducer(kafka, { prefix, source: '/gatehouse/gateway' });
  await producer.connect();
  return { sink: { send: (records) => producer.publishMany(UsageRecordedV1, records) }, describe: `usage produced to Kafka ${brokers} (${prefix}${UsageRecordedV1.topic.name})` };
}

let records = 0;
let plane: DataPlane | undefined;

process.on('message', (message: { stats?: boolean }) => {
  if (message.stats) process.send?.({ cpu: process.cpuUsage(), records, tokenCache: plane?.auth.verifier.stats });
});

process.once('message', async (message: { state: BenchState; secret: { id: string; key: string } }) => {
  const produced = await sink();
  const usage = {
    describe: produced.describe,
    sink: {
      send: (batch: Parameters<UsageSink['send']>[0]) => {
        records += batch.length;
        return produced.sink.send(batch);
      },
    },
  };
  const secret: TransportSecret = { id: message.secret.id, key: new Uint8Array(Buffer.from(message.secret.key, 'base64url')) };
  plane = new DataPlane({
    settings: {
      gatewayId: 'bench',
      replicas: 1,
      issuers: [message.state.issuer],
      transportSecrets: [secret],
      clockSkewSeconds: 30,
      tokenCacheSize: 10_000,
      journalDir: mkdtempSync(join(tmpdir(), 'gw-bench-journal-')),
      maxHeaderBytes: 16_384,
      maxUrlBytes: 8_192,
      keepAliveTimeoutMs: 120_000,
      requestTimeoutMs: 300_000,
      upstreamConnections: 128,
      circuitFailures: 5,
      circuitOpenMs: 5_000,
      usageBatchSize: 500,
      usageFlushMs: 100,
      usageSendTimeoutMs: 5_000,
    },
    registry: new Registry(),
    sink: usage.sink,
    isReady: () => true,
  });
  const byType = new Map(gatewayStateDefinitions.map((definition) => [definition.type, definition]));
  for (const record of message.state.records) {
    await applyStateRecord({ definition: byType.get(record.type)!, key: record.key, envelope: { data: record.data } as never }, plane.state, plane.auth);
  }
  plane.routes.rebuild();
  const port = await plane.start(0, '127.0.0.1');
  process.send?.({ port, usage: usage.describe });
});
process.on('disconnect', () => process.exit(0));

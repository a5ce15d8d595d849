import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import type { TransportSecret } from '@gatehouse/auth';
import { UsageBatchRecordedV1 } from '@gatehouse/contracts';
import { createKafka, ensureTopics, EventProducer, MAX_REQUEST_BYTES } from '@gatehouse/messaging';
import { Registry } from 'prom-client';
import { DataPlane } from '../src/data-plane/data-plane';
import { gatewayConfigSchema } from '../src/gateway.config';
import { encodeUsageBatches } from '../src/data-plane/usage/usage-batches';
import { UsageProducerThread } from '../src/data-plane/usage/usage-producer-thread';
import type { UsageRecord, UsageSink } from '../src/data-plane/usage/usage-record';
import { applyStateRecord } from '../src/state-sync/state-feed';
import type { BenchState } from './bench-state';
import { gatewayStateDefinitions } from '../src/state-sync/state-feed';

/**
 * The benchmark's gateway: the real data plane (no Nest, no Kafka consumer) with its state
 * applied from the records the parent sends, so the request path is exactly production's.
 * Usage goes to Kafka when KAFKA_BROKERS is set (from a worker thread, as in production), else
 * to a sink that only counts.
 */
async function sink(): Promise<{ sink: UsageSink; describe: string }> {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) {
    return { sink: { send: async () => undefined }, describe: 'usage batched in memory, counted, not produced (set KAFKA_BROKERS to produce)' };
  }
  const prefix = `gateway-bench.${Date.now().toString(36)}.`;
  const kafka = createKafka({ clientId: 'gateway-bench', brokers: brokers.split(',') });
  await ensureTopics(kafka, prefix, [UsageBatchRecordedV1.topic]);
  if (process.env.BENCH_USAGE_PRODUCER === 'inline') {
    const producer = new EventProducer(kafka, { prefix, source: '/gatehouse/gateway' });
    await producer.connect();
    const send = (records: UsageRecord[]) => producer.publishEncoded(UsageBatchRecordedV1.topic, encodeUsageBatches(records, { source: '/gatehouse/gateway', maxBytes: MAX_REQUEST_BYTES }));
    return { sink: { send }, describe: `usage produced to Kafka ${brokers} (${prefix}${UsageBatchRecordedV1.topic.name}) on the gateway's event loop` };
  }
  // The production sink: records produced from a worker thread.
  const producer = new UsageProducerThread({ service: 'gateway-bench', clientId: 'gateway-bench', brokers: brokers.split(','), prefix, source: '/gatehouse/gateway', logLevel: 'warn' });
  producer.start();
  return { sink: producer, describe: `usage produced to Kafka ${brokers} (${prefix}${UsageBatchRecordedV1.topic.name}) from a worker thread` };
}

let records = 0;
let plane: DataPlane | undefined;
const sends = { batches: 0, blockedMs: 0, maxBlockedMs: 0 };
// Event-loop stalls since the last `resetDelay`: tells a slow gateway from a slow load generator.
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
const gc = { pauses: 0, totalMs: 0, maxMs: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gc.pauses += 1;
    gc.totalMs += entry.duration;
    gc.maxMs = Math.max(gc.maxMs, entry.duration);
  }
}).observe({ entryTypes: ['gc'] });

process.on('message', (message: { stats?: boolean; resetDelay?: boolean }) => {
  if (message.stats) {
    const loopDelayMs = { p50: delay.percentile(50) / 1e6, p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 };
    const usageSends = { ...sends, meanBlockedMs: sends.batches === 0 ? 0 : sends.blockedMs / sends.batches };
    process.send?.({ cpu: process.cpuUsage(), records, tokenCache: plane?.auth.verifier.stats, loopDelayMs, usageSends, gc: { ...gc } });
  }
  if (message.resetDelay) {
    delay.reset();
    Object.assign(sends, { batches: 0, blockedMs: 0, maxBlockedMs: 0 });
    Object.assign(gc, { pauses: 0, totalMs: 0, maxMs: 0 });
  }
});

process.once('message', async (message: { state: BenchState; secret: { id: string; key: string } }) => {
  const produced = await sink();
  const usage = {
    describe: produced.describe,
    sink: {
      send: (batch: Parameters<UsageSink['send']>[0]) => {
        records += batch.length;
        const started = performance.now();
        const sent = produced.sink.send(batch);
        // The synchronous part (encoding the batch) blocks the event loop: worth seeing beside the latency.
        const blocked = performance.now() - started;
        sends.batches += 1;
        sends.blockedMs += blocked;
        sends.maxBlockedMs = Math.max(sends.maxBlockedMs, blocked);
        return sent;
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
      // As deployed by default.
      usageBatchSize: gatewayConfigSchema.GATEWAY_USAGE_BATCH_SIZE.parse(undefined),
      usageFlushMs: gatewayConfigSchema.GATEWAY_USAGE_FLUSH_MS.parse(undefined),
      usageSendTimeoutMs: gatewayConfigSchema.GATEWAY_USAGE_SEND_TIMEOUT_MS.parse(undefined),
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

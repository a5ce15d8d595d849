import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { type EventData, PlanStateV1, SubscriptionStateV1, USAGE_BATCH_MAX_RECORDS } from '@gatehouse/contracts';
import { eventually } from '@gatehouse/testing';
import { IngestMetrics, ingestPhases } from '../src/ingest/ingest.metrics';
import type { UsageRecord } from '../src/ingest/usage-record';
import type { MeteringTestEnv } from '../src/testing/metering-test-env';
import { aiUsage, usageRecord } from '../src/testing/usage-record.factory';
import { fixed, histogramTotals, table } from './bench-report';
import { profileStatement } from './statement-profile';

const SUBSCRIPTIONS = 50;

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 4_294_967_296;
  };
}

/**
 * Gateway-like traffic over the last ten minutes, in time order with a few seconds of jitter:
 * 20 tenants, 200 applications, 50 APIs, mostly 2xx, a third AI, some on subscriptions with quotas.
 */
function* traffic(count: number, now: number): Generator<UsageRecord> {
  const next = random(11);
  for (let index = 0; index < count; index += 1) {
    const application = Math.floor(next() * 200);
    const roll = next();
    const status = roll < 0.85 ? 200 : roll < 0.9 ? 201 : roll < 0.95 ? 404 : roll < 0.98 ? 429 : 502;
    const ai = application % 3 === 0 ? aiUsage({ model: `model-${application % 5}`, promptTokens: Math.floor(next() * 800), completionTokens: Math.floor(next() * 400), costMicros: Math.floor(next() * 3_000) }) : null;
    yield usageRecord({
      recordId: randomUUID(),
      at: new Date(now - 600_000 + (index / count) * 600_000 - next() * 3_000).toISOString(),
      tenantId: `tenant-${application % 20}`,
      applicationId: `app-${application}`,
      apiId: `api-${application % 50}`,
      routeId: `route-${application % 50}-${Math.floor(next() * 2)}`,
      subscriptionId: application < 3 * SUBSCRIPTIONS && application % 3 === 0 ? `sub-${application / 3}` : null,
      status,
      rejection: status === 429 ? 'rate_limited' : null,
      latencyMs: Math.round(next() * next() * 800 * 100) / 100,
      bytesIn: Math.floor(next() * 2_000),
      bytesOut: Math.floor(next() * 40_000),
      ai,
    });
  }
}

async function publishQuotaPlans(env: MeteringTestEnv): Promise<void> {
  const updatedAt = new Date().toISOString();
  const plan: EventData<typeof PlanStateV1> = {
    planId: 'plan-bench',
    tenantId: 'tenant-0',
    apiId: 'api-0',
    name: 'Bench',
    rateLimit: null,
    quotas: [
      { metric: 'requests', limit: 1_000_000, period: 'day', warnAt: 0.8 },
      { metric: 'tokens', limit: 50_000_000, period: 'month', warnAt: null },
    ],
    currency: null,
    updatedAt,
  };
  await env.publishState(PlanStateV1, plan);
  for (let index = 0; index < SUBSCRIPTIONS; index += 1) {
    await env.publishState(SubscriptionStateV1, {
      subscriptionId: `sub-${index}`,
      tenantId: 'tenant-0',
      applicationTenantId: `tenant-${(index * 3) % 20}`,
      apiId: 'api-0',
      audience: 'https://api-0.bench',
      applicationId: `app-${index * 3}`,
      planId: 'plan-bench',
      status: 'approved',
      scopes: [],
      updatedAt,
    });
  }
}

/** CPU seconds used by the service's Postgres backends opened since `since` (local server, Linux /proc). */
async function backendCpu(env: MeteringTestEnv, since: Date): Promise<number | null> {
  const backends = await env.sql<{ pid: number }>(`select pid from pg_stat_activity where application_name = 'gatehouse-metering' and backend_start >= $1`, [since.toISOString()]);
  try {
    return backends
      .map(({ pid }) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' '))
      .reduce((sum, fields) => sum + (Number(fields[11]) + Number(fields[12])) / 100, 0);
  } catch {
    return null;
  }
}

/** Pre-produces `count` records, then times the ingest from Kafka into the ledger and rollups. */
export async function ingestBenchmark(env: MeteringTestEnv, count: number): Promise<void> {
  await env.prepareTopics();
  await publishQuotaPlans(env);
  const producing = performance.now();
  // As gateways produce them: a flush of up to 500 records, one batch event per tenant in it.
  const chunk: ReturnType<MeteringTestEnv['encode']>[] = [];
  const flush: UsageRecord[] = [];
  const encodeFlush = () => {
    const byTenant = new Map<string, UsageRecord[]>();
    for (const record of flush.splice(0)) {
      const group = byTenant.get(record.tenantId);
      if (group) group.push(record);
      else byTenant.set(record.tenantId, [record]);
    }
    for (const records of byTenant.values()) chunk.push(env.encodeBatch(records));
  };
  for (const record of traffic(count, Date.now())) {
    flush.push(record);
    if (flush.length === USAGE_BATCH_MAX_RECORDS) encodeFlush();
    if (chunk.length >= 400) await env.produceUsage(chunk.splice(0), 100);
  }
  encodeFlush();
  await env.produceUsage(chunk.splice(0), 100);
  const produced = (performance.now() - producing) / 1000;
  console.log(`pre-produced ${count} usage records in ${fixed(produced)} s (${Math.round(count / produced)} records/s)`);

  const cpuBefore = process.cpuUsage();
  const benchStart = new Date();
  const started = performance.now();
  const app = await env.start();
  const metrics = app.service(IngestMetrics);
  const ingested = async () => (await metrics.ingested.get()).values[0]?.value ?? 0;
  const marks: Array<{ at: number; value: number }> = [];
  await eventually(
    async () => {
      const value = await ingested();
      marks.push({ at: performance.now(), value });
      return value >= count;
    },
    `${count} records ingested`,
    30 * 60_000,
    200,
  );
  await env.waitForIngest();
  const total = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const postgresCpu = await backendCpu(env, benchStart);
  const firstMark = marks.find((mark) => mark.value >= count * 0.05)!;
  const lastMark = marks.find((mark) => mark.value >= count * 0.95)!;
  const sustained = (lastMark.value - firstMark.value) / ((lastMark.at - firstMark.at) / 1000);

  const phases = await histogramTotals(metrics.phase, 'phase');
  const batches = await histogramTotals(metrics.batchSize, '');
  const batch = [...batches.values()][0] ?? { sum: 0, count: 0 };
  const phaseTotal = [...phases.values()].reduce((sum, entry) => sum + entry.sum, 0);
  console.log(`\ningest: ${count} records in ${fixed(total)} s from app start (boot and group join included) = ${Math.round(count / total)} records/s`);
  console.log(`sustained (5% to 95% of the records): ${Math.round(sustained)} records/s`);
  console.log(`batches: ${batch.count} transactions, ${Math.round(batch.sum / Math.max(1, batch.count))} records each on average`);
  const nodeCpu = (cpu.user + cpu.system) / 1e6;
  console.log(`CPU during ingest: node ${fixed(nodeCpu)} s (${fixed((nodeCpu * 1e6) / count)} µs/record, Kafka fetch and decoding included), Postgres backends ${postgresCpu === null ? 'n/a' : `${fixed(postgresCpu)} s (${fixed((postgresCpu * 1e6) / count)} µs/record)`}`);
  if (postgresCpu !== null) {
    console.log(
      `CPU-bound capacity on idle cores (Kafka broker not counted): ~${Math.round(count / Math.max(nodeCpu, postgresCpu))} records/s with decoding and writing overlapped, ~${Math.round(count / (nodeCpu + postgresCpu))} if one after the other (load average now ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores)`,
    );
  }
  console.log('\nwhere the time goes (summed over batches; ingest runs one batch at a time per instance):');
  console.log(
    table([
      ['phase', 'seconds', 'share', 'µs/record'],
      ...ingestPhases.map((phase) => {
        const entry = phases.get(phase) ?? { sum: 0, count: 0 };
        return [phase, fixed(entry.sum, 2), `${fixed((100 * entry.sum) / phaseTotal)}%`, fixed((entry.sum * 1e6) / count, 1)];
      }),
      ['total', fixed(phaseTotal, 2), '100.0%', fixed((phaseTotal * 1e6) / count, 1)],
    ]),
  );
  const [rollups] = await env.sql<Record<string, number>>(
    `select (select count(*) from $schema.usage_ledger)::int as ledger, (select count(*) from $schema.usage_rollup_minute)::int as minute,
            (select count(*) from $schema.usage_rollup_hour)::int as hour, (select count(*) from $schema.usage_rollup_day)::int as day,
            (select sum(requests) from $schema.usage_rollup_day)::float8 as requests`,
  );
  console.log(`\nrows: ledger ${rollups!.ledger}, minute rollups ${rollups!.minute}, hour ${rollups!.hour}, day ${rollups!.day}; day rollups count ${rollups!.requests} requests`);
  if (rollups!.ledger !== count || rollups!.requests !== count) throw new Error(`expected ${count} records counted exactly once`);
  await profileStatement(env, app, [...traffic(10_000, Date.now())]);
  await app.close();
}

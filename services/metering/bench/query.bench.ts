import { eventually } from '@gatehouse/testing';
import { PartitionManager } from '../src/retention/partition-manager';
import { addDays } from '../src/retention/partition-names';
import { LATENCY_BOUNDS_MS, LATENCY_BUCKETS } from '../src/rollups/latency-histogram';
import { BOOTSTRAP_TOKEN, type MeteringTestApp, type MeteringTestEnv } from '../src/testing/metering-test-env';
import { DAY_MS, utcDay } from '../src/time/period';
import { fixed, percentile, table } from './bench-report';

const DAYS = 30;
const MINUTE_DAYS = 14;
const CHUNK = 1_000_000;
const GATEWAY = 'gw-bench-sql';

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  console.log(`  ${label}: ${fixed((performance.now() - started) / 1000)} s`);
  return result;
}

/** Ledger rows written with generate_series (not through Kafka), spread over the last 30 days. */
async function generateLedger(env: MeteringTestEnv, rows: number): Promise<void> {
  for (let start = 1; start <= rows; start += CHUNK) {
    const end = Math.min(rows, start + CHUNK - 1);
    await timed(`ledger rows ${start}..${end}`, () =>
      env.sql(
        `insert into $schema.usage_ledger ("record_id", "at_day", "at", "ingested_at", "late", "gateway_id", "tenant_id", "application_id", "api_id", "route_id",
           "plan_id", "subscription_id", "method", "status", "rejection", "latency_ms", "upstream_latency_ms", "bytes_in", "bytes_out",
           "ai_provider", "model", "prompt_tokens", "completion_tokens", "cached_tokens", "cost_micros", "currency")
         select gen_random_uuid(), (ts at time zone 'UTC')::date, ts, ts, false, '${GATEWAY}', 'tenant-' || (app % 20), 'app-' || app, 'api-' || (app % 50),
           'route-' || (app % 50) || '-' || (g % 2), null, null, 'GET', st, case when st = 429 then 'rate_limited' end, lat, lat, bi, bo,
           case when ai then 'openai' end, case when ai then 'model-' || (app % 5) end, case when ai then pt end, case when ai then ct end,
           case when ai then 0 end, case when ai then cost end, case when ai then 'USD' end
         from (
           select g, now() - (g::float8 / $3) * interval '${DAYS} days' as ts, app, app % 3 = 0 as ai,
             case when r < 0.85 then 200 when r < 0.9 then 201 when r < 0.95 then 404 when r < 0.98 then 429 else 502 end as st,
             round((random() * random() * 800)::numeric, 2)::float8 as lat, floor(random() * 2000)::bigint as bi, floor(random() * 40000)::bigint as bo,
             floor(random() * 800)::int as pt, floor(random() * 400)::int as ct, floor(random() * 3000)::bigint as cost
           from (select g, floor(random() * 200)::int as app, random() as r from generate_series($1::int, $2::int) g) picked
         ) s`,
        [start, end, rows],
      ),
    );
  }
}

/** Rolls the generated ledger rows up into one rollup table with SQL, histogram included. */
async function rollUp(env: MeteringTestEnv, table: string, unit: 'minute' | 'hour' | 'day', since: string): Promise<void> {
  const negatedBounds = `array[${[...LATENCY_BOUNDS_MS].reverse().map((bound) => -bound).join(', ')}]::float8[]`;
  const histogram = Array.from({ length: LATENCY_BUCKETS }, (_, index) => `coalesce(sum(n) filter (where idx = ${index}), 0)`).join(', ');
  await timed(`${table}`, () =>
    env.sql(
      `insert into $schema.${table} ("bucket", "tenant_id", "application_id", "api_id", "route_id", "status_class", "model", "requests", "errors", "rejections",
         "late_records", "bytes_in", "bytes_out", "latency_sum_ms", "latency_max_ms", "latency_hist", "prompt_tokens", "completion_tokens", "cached_tokens",
         "cost_micros", "unpriced_records")
       select bucket, tenant_id, application_id, api_id, route_id, status_class, model, sum(n), sum(e), sum(j), 0, sum(bi), sum(bo), sum(ls), max(lm),
         array[${histogram}], sum(pt), sum(ct), sum(kt), sum(c), 0
       from (
         select date_trunc('${unit}', "at") as bucket, "tenant_id", coalesce("application_id", '') as application_id, coalesce("api_id", '') as api_id,
           coalesce("route_id", '') as route_id, ("status" / 100)::smallint as status_class, coalesce("model", '') as model,
           ${LATENCY_BOUNDS_MS.length} - width_bucket(-"latency_ms", ${negatedBounds}) as idx,
           count(*) as n, count(*) filter (where "status" >= 500) as e, count(*) filter (where "rejection" is not null) as j,
           sum("bytes_in") as bi, sum("bytes_out") as bo, sum("latency_ms") as ls, max("latency_ms") as lm,
           coalesce(sum("prompt_tokens"), 0) as pt, coalesce(sum("completion_tokens"), 0) as ct, coalesce(sum("cached_tokens"), 0) as kt, coalesce(sum("cost_micros"), 0) as c
         from $schema.usage_ledger where "gateway_id" = '${GATEWAY}' and "at" >= $1
         group by 1, 2, 3, 4, 5, 6, 7, 8
       ) grouped
       group by 1, 2, 3, 4, 5, 6, 7`,
      [since],
    ),
  );
}

async function directory(env: MeteringTestEnv): Promise<void> {
  await env.sql(
    `insert into $schema.applications select 'app-' || a, 'tenant-' || (a % 20), 'team-' || (a % 40), 'app-' || a, now() from generate_series(0, 199) a on conflict do nothing`,
  );
  await env.sql(`insert into $schema.apis select 'api-' || a, 'tenant-' || (a % 20), 'team-api-' || (a % 20), 'api-' || a, now() from generate_series(0, 49) a on conflict do nothing`);
}

/** Generates the ledger and rollups, then times typical queries through the HTTP API. */
export async function queryBenchmark(env: MeteringTestEnv, app: MeteringTestApp, rows: number, runs: number): Promise<void> {
  const today = utcDay(Date.now());
  const partitions = app.service(PartitionManager);
  await partitions.ensure('usage_ledger', Array.from({ length: DAYS + 1 }, (_, index) => addDays(today, -index)));
  await partitions.ensure('usage_rollup_minute', Array.from({ length: MINUTE_DAYS + 1 }, (_, index) => addDays(today, -index)));
  console.log(`\ngenerating ${rows} ledger rows over ${DAYS} days with generate_series, then their rollups with SQL:`);
  await env.sql(`set work_mem = '256MB'`);
  await env.sql(`set timezone = 'UTC'`);
  await generateLedger(env, rows);
  await rollUp(env, 'usage_rollup_day', 'day', new Date(Date.now() - (DAYS + 1) * DAY_MS).toISOString());
  await rollUp(env, 'usage_rollup_hour', 'hour', new Date(Date.now() - (DAYS + 1) * DAY_MS).toISOString());
  await rollUp(env, 'usage_rollup_minute', 'minute', `${addDays(today, -MINUTE_DAYS)}T00:00:00Z`);
  await timed('analyze', () => env.sql('analyze $schema.usage_ledger, $schema.usage_rollup_minute, $schema.usage_rollup_hour, $schema.usage_rollup_day'));
  await directory(env);
  const [sizes] = await env.sql<Record<string, number>>(
    `select (select count(*) from $schema.usage_ledger)::int as ledger, (select count(*) from $schema.usage_rollup_minute)::int as minute,
            (select count(*) from $schema.usage_rollup_hour)::int as hour, (select count(*) from $schema.usage_rollup_day)::int as day`,
  );
  console.log(`rows: ledger ${sizes!.ledger}, minute rollups ${sizes!.minute}, hour ${sizes!.hour}, day ${sizes!.day}`);

  const member = await env.memberToken('tenant-3', [
    { id: 'team-3', role: 'viewer' },
    { id: 'team-api-3', role: 'developer' },
  ]);
  const from30 = new Date(Date.now() - DAYS * DAY_MS).toISOString();
  const from7 = new Date(Date.now() - 7 * DAY_MS).toISOString();
  const from6h = new Date(Date.now() - 6 * 3_600_000).toISOString();
  await eventually(async () => (await app.get(`/usage?from=${from6h}`, member)).status === 200, 'the member token to verify', 60_000, 200);
  const queries: Array<[string, string, string]> = [
    ['30 d by day, per application, one tenant', `from=${from30}&granularity=day&groupBy=application&tenant=tenant-3`, BOOTSTRAP_TOKEN],
    ['7 d by hour, per API and status class, one tenant', `from=${from7}&granularity=hour&groupBy=api,status_class&tenant=tenant-3`, BOOTSTRAP_TOKEN],
    ['6 h by minute, per route, one API', `from=${from6h}&granularity=minute&groupBy=route&apiId=api-7`, BOOTSTRAP_TOKEN],
    ['30 d by day, top 10 applications by cost, all tenants', `from=${from30}&granularity=day&groupBy=application&top=10&orderBy=cost`, BOOTSTRAP_TOKEN],
    ['30 d by day, platform totals', `from=${from30}&granularity=day`, BOOTSTRAP_TOKEN],
    ['30 d by hour, team member (own apps and APIs)', `from=${from30}&granularity=hour&groupBy=application`, member],
    ['30 d by hour, per application, CSV export', `from=${from30}&granularity=hour&groupBy=application&tenant=tenant-3&format=csv`, BOOTSTRAP_TOKEN],
  ];
  const results: string[][] = [['query', 'rows', 'p50 ms', 'p95 ms', 'max ms']];
  for (const [label, query, token] of queries) {
    const first = await app.get(`/usage?${encodeURI(query).replaceAll('+', '%2B')}`, token);
    if (first.status !== 200) throw new Error(`${label}: HTTP ${first.status} ${first.text}`);
    const rowCount = first.body ? first.body.rows.length : first.text.trim().split('\r\n').length - 1;
    const times: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      const started = performance.now();
      const answer = await app.get(`/usage?${encodeURI(query).replaceAll('+', '%2B')}`, token);
      times.push(performance.now() - started);
      if (answer.status !== 200) throw new Error(`${label}: HTTP ${answer.status}`);
    }
    times.sort((a, b) => a - b);
    results.push([label, String(rowCount), fixed(percentile(times, 0.5)), fixed(percentile(times, 0.95)), fixed(times.at(-1)!)]);
  }
  console.log(`\nquery latency over HTTP (${runs} runs each after one warm-up):`);
  console.log(table(results));
}

import { LATENCY_BOUNDS_MS, LATENCY_BUCKETS } from '../rollups/latency-histogram';
import { additiveMeasures, rollupKeyColumns, rollupTables } from '../rollups/rollup-tables';

/** Ledger columns as copied into the staging table, with their types. */
export const ledgerColumns = [
  ['record_id', 'uuid'],
  ['at_day', 'date'],
  ['at', 'timestamptz'],
  ['late', 'boolean'],
  ['gateway_id', 'text'],
  ['tenant_id', 'text'],
  ['application_id', 'text'],
  ['api_id', 'text'],
  ['route_id', 'text'],
  ['plan_id', 'text'],
  ['subscription_id', 'text'],
  ['method', 'text'],
  ['status', 'smallint'],
  ['rejection', 'text'],
  ['latency_ms', 'float8'],
  ['upstream_latency_ms', 'float8'],
  ['bytes_in', 'bigint'],
  ['bytes_out', 'bigint'],
  ['ai_provider', 'text'],
  ['model', 'text'],
  ['prompt_tokens', 'bigint'],
  ['completion_tokens', 'bigint'],
  ['cached_tokens', 'bigint'],
  ['cost_micros', 'bigint'],
  ['currency', 'text'],
] as const;

/** The session's staging table the batch is copied into; emptied at every commit or rollback. */
export const STAGING_TABLE = 'pg_temp.metering_usage_staging';

export const stagingTableStatement = `create temp table if not exists metering_usage_staging (${ledgerColumns
  .map(([name, type]) => `"${name}" ${type}`)
  .join(', ')}) on commit delete rows`;

export const stagingCopyTarget = `${STAGING_TABLE} (${ledgerColumns.map(([name]) => `"${name}"`).join(', ')})`;

const ORIGIN = `timestamptz '2000-01-01 00:00:00+00'`;

// Bucket i holds latencies in (bound[i-1], bound[i]]: its index is how many bounds are below the value.
// width_bucket over the negated, reversed bounds counts the bounds at or above it.
const histogramIndex = `${LATENCY_BOUNDS_MS.length} - width_bucket(-"latency_ms", array[${[...LATENCY_BOUNDS_MS].reverse().map((bound) => -bound).join(', ')}]::float8[])`;

const key = rollupKeyColumns.map((column) => `"${column}"`).join(', ');
const dimensions = '"tenant_id", "application_id", "api_id", "route_id", "status_class", "model"';

function upsert(schema: string, table: string, select: string): string {
  const merged = Array.from({ length: LATENCY_BUCKETS }, (_, index) => `t."latency_hist"[${index + 1}] + excluded."latency_hist"[${index + 1}]`).join(', ');
  return `insert into "${schema}"."${table}" as t ("bucket", ${dimensions}, ${additiveMeasures.map((column) => `"${column}"`).join(', ')}, "latency_max_ms", "latency_hist")
    ${select}
    order by ${key}
    on conflict (${key}) do update set
      ${additiveMeasures.map((column) => `"${column}" = t."${column}" + excluded."${column}"`).join(',\n      ')},
      "latency_max_ms" = greatest(t."latency_max_ms", excluded."latency_max_ms"),
      "latency_hist" = array[${merged}]`;
}

/** Hour or day rows from the batch's minute rows: histograms add up element by element. */
function coarser(window: string): string {
  const histogram = Array.from({ length: LATENCY_BUCKETS }, (_, index) => `sum(m."latency_hist"[${index + 1}])`).join(', ');
  return `select date_bin('${window}', m."bucket", ${ORIGIN}) as "bucket", ${dimensions},
      ${additiveMeasures.map((column) => `sum(m."${column}")::${column === 'latency_sum_ms' ? 'float8' : 'bigint'}`).join(', ')},
      max(m."latency_max_ms"), array[${histogram}]::bigint[]
    from minute_rows m group by 1, 2, 3, 4, 5, 6, 7`;
}

/**
 * One statement per batch, reading the batch from the staging table: insert the records into
 * the ledger, skipping those already there (the dedupe); add only the rows actually inserted
 * to the minute rollups, the minute rows to the hour and day rollups, and the rows to the
 * daily quota counters. Returns the staged records that were not inserted (counted before).
 * Upserts are ordered by key so concurrent transactions lock rows in one order. $1: the
 * ingest instant.
 */
export function usageCountStatement(schema: string): string {
  const names = ledgerColumns.map(([name]) => `"${name}"`);
  const histogram = Array.from({ length: LATENCY_BUCKETS }, (_, index) => `count(*) filter (where i."idx" = ${index})`).join(', ');
  return `with inserted as (
      insert into "${schema}"."usage_ledger" (${names.join(', ')}, "ingested_at")
      select ${names.map((name) => `s.${name}`).join(', ')}, $1::timestamptz from ${STAGING_TABLE} s
      on conflict ("record_id", "at_day") do nothing
      returning "record_id", "at_day", case when "late" then "ingested_at" else "at" end as "effective", "tenant_id",
        coalesce("application_id", '') as "application_id", coalesce("api_id", '') as "api_id", coalesce("route_id", '') as "route_id",
        ("status" / 100)::smallint as "status_class", coalesce("model", '') as "model", "status", "rejection", "late", "bytes_in", "bytes_out",
        "latency_ms", ${histogramIndex} as "idx", coalesce("prompt_tokens", 0) as "prompt_tokens", coalesce("completion_tokens", 0) as "completion_tokens",
        coalesce("cached_tokens", 0) as "cached_tokens", coalesce("cost_micros", 0) as "cost_micros", "model" is not null and "cost_micros" is null as "unpriced",
        "subscription_id", coalesce("currency", '') as "currency"
    ),
    minute_rows as materialized (
      select date_bin('1 minute', i."effective", ${ORIGIN}) as "bucket", ${dimensions.replaceAll('"', '').split(', ').map((column) => `i."${column}"`).join(', ')},
        count(*) as "requests", count(*) filter (where i."status" >= 500) as "errors", count(*) filter (where i."rejection" is not null) as "rejections",
        count(*) filter (where i."late") as "late_records", sum(i."bytes_in")::bigint as "bytes_in", sum(i."bytes_out")::bigint as "bytes_out",
        sum(i."latency_ms") as "latency_sum_ms", sum(i."prompt_tokens")::bigint as "prompt_tokens", sum(i."completion_tokens")::bigint as "completion_tokens",
        sum(i."cached_tokens")::bigint as "cached_tokens", sum(i."cost_micros")::bigint as "cost_micros", count(*) filter (where i."unpriced") as "unpriced_records",
        max(i."latency_ms") as "latency_max_ms", array[${histogram}] as "latency_hist"
      from inserted i group by 1, 2, 3, 4, 5, 6, 7
    ),
    minute as (${upsert(schema, rollupTables.minute, `select "bucket", ${dimensions}, ${additiveMeasures.map((column) => `"${column}"`).join(', ')}, "latency_max_ms", "latency_hist" from minute_rows`)}),
    hour as (${upsert(schema, rollupTables.hour, coarser('1 hour'))}),
    day as (${upsert(schema, rollupTables.day, coarser('1 day'))}),
    counters as (
      insert into "${schema}"."quota_counters" as c ("subscription_id", "metric", "currency", "day", "used")
      select i."subscription_id", u."metric", u."currency", (i."effective" at time zone 'UTC')::date, sum(u."amount")
      from inserted i cross join lateral (values
        ('requests', '', case when i."rejection" is null then 1 else 0 end::bigint),
        ('tokens', '', i."prompt_tokens" + i."completion_tokens"),
        ('cost', i."currency", i."cost_micros")
      ) as u("metric", "currency", "amount")
      where i."subscription_id" is not null and u."amount" > 0
      group by 1, 2, 3, 4
      order by 1, 2, 3, 4
      on conflict ("subscription_id", "metric", "currency", "day") do update set "used" = c."used" + excluded."used"
    )
    select s."record_id"::text as "i", s."at_day"::text as "d" from ${STAGING_TABLE} s
    where not exists (select 1 from inserted n where n."record_id" = s."record_id" and n."at_day" = s."at_day")`;
}

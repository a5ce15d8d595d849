import type { MigrationInterface, QueryRunner } from 'typeorm';
import { LATENCY_BUCKETS } from '../rollups/latency-histogram';

const schemaOf = (queryRunner: QueryRunner) => (queryRunner.connection.options as { schema: string }).schema;

const measures = `
      "requests" bigint not null,
      "errors" bigint not null,
      "rejections" bigint not null,
      "late_records" bigint not null,
      "bytes_in" bigint not null,
      "bytes_out" bigint not null,
      "latency_sum_ms" double precision not null,
      "latency_max_ms" double precision not null,
      "latency_hist" bigint[] not null check (cardinality("latency_hist") = ${LATENCY_BUCKETS}),
      "prompt_tokens" bigint not null,
      "completion_tokens" bigint not null,
      "cached_tokens" bigint not null,
      "cost_micros" bigint not null,
      "unpriced_records" bigint not null`;

const dimensions = `
      "bucket" timestamptz not null,
      "tenant_id" text not null,
      "application_id" text not null,
      "api_id" text not null,
      "route_id" text not null,
      "status_class" smallint not null check ("status_class" between 1 and 5),
      "model" text not null`;

const rollupKey = `("tenant_id", "bucket", "application_id", "api_id", "route_id", "status_class", "model")`;

/**
 * The ledger (one row per counted record, partitioned by the UTC day of `at`), minute, hour and
 * day rollups, quota counters and published quota states, and the catalog and identity facts
 * metering needs (who owns which application and API, plans and subscriptions).
 */
export class CreateMeteringTables1760000000000 implements MigrationInterface {
  name = 'CreateMeteringTables1760000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`create table "${s}"."usage_ledger" (
      "record_id" uuid not null,
      "at_day" date not null,
      "at" timestamptz not null,
      "ingested_at" timestamptz not null,
      "late" boolean not null,
      "gateway_id" text not null,
      "tenant_id" text not null,
      "application_id" text,
      "api_id" text,
      "route_id" text,
      "plan_id" text,
      "subscription_id" text,
      "method" text not null,
      "status" smallint not null,
      "rejection" text,
      "latency_ms" double precision not null,
      "upstream_latency_ms" double precision,
      "bytes_in" bigint not null,
      "bytes_out" bigint not null,
      "ai_provider" text,
      "model" text,
      "prompt_tokens" bigint,
      "completion_tokens" bigint,
      "cached_tokens" bigint,
      "cost_micros" bigint,
      "currency" text,
      primary key ("record_id", "at_day")
    ) partition by range ("at_day")`);

    await queryRunner.query(`create table "${s}"."usage_rollup_minute" (${dimensions},${measures},
      primary key ${rollupKey}
    ) partition by range ("bucket")`);
    for (const table of ['usage_rollup_hour', 'usage_rollup_day']) {
      await queryRunner.query(`create table "${s}"."${table}" (${dimensions},${measures},
        primary key ${rollupKey}
      ) with (fillfactor = 80)`);
      await queryRunner.query(`create index "${table}_bucket_brin" on "${s}"."${table}" using brin ("bucket")`);
    }
    for (const table of ['usage_rollup_minute', 'usage_rollup_hour', 'usage_rollup_day']) {
      await queryRunner.query(`create index "${table}_application_idx" on "${s}"."${table}" ("application_id", "bucket")`);
      await queryRunner.query(`create index "${table}_api_idx" on "${s}"."${table}" ("api_id", "bucket")`);
    }

    await queryRunner.query(`create table "${s}"."quota_counters" (
      "subscription_id" text not null,
      "metric" text not null check ("metric" in ('requests', 'tokens', 'cost')),
      "currency" text not null,
      "day" date not null,
      "used" bigint not null,
      primary key ("subscription_id", "metric", "currency", "day")
    )`);
    await queryRunner.query(`create index "quota_counters_day_idx" on "${s}"."quota_counters" ("day")`);
    await queryRunner.query(`create table "${s}"."quota_states" (
      "quota_key" text primary key,
      "subscription_id" text not null,
      "metric" text not null,
      "period" text not null,
      "period_start" timestamptz not null,
      "period_end" timestamptz not null,
      "limit_value" bigint not null,
      "used" bigint not null,
      "status" text not null check ("status" in ('ok', 'warning', 'exceeded')),
      "updated_at" timestamptz not null
    )`);

    await queryRunner.query(`create table "${s}"."applications" (
      "application_id" text primary key,
      "tenant_id" text not null,
      "team_id" text not null,
      "name" text not null,
      "updated_at" timestamptz not null
    )`);
    await queryRunner.query(`create index "applications_tenant_team_idx" on "${s}"."applications" ("tenant_id", "team_id")`);
    await queryRunner.query(`create table "${s}"."apis" (
      "api_id" text primary key,
      "tenant_id" text not null,
      "team_id" text not null,
      "name" text not null,
      "updated_at" timestamptz not null
    )`);
    await queryRunner.query(`create index "apis_tenant_team_idx" on "${s}"."apis" ("tenant_id", "team_id")`);
    await queryRunner.query(`create table "${s}"."plans" (
      "plan_id" text primary key,
      "tenant_id" text not null,
      "api_id" text not null,
      "quotas" jsonb not null,
      "currency" text,
      "updated_at" timestamptz not null
    )`);
    await queryRunner.query(`create table "${s}"."subscriptions" (
      "subscription_id" text primary key,
      "tenant_id" text not null,
      "application_id" text not null,
      "api_id" text not null,
      "plan_id" text not null,
      "status" text not null,
      "updated_at" timestamptz not null
    )`);
    await queryRunner.query(`create index "subscriptions_approved_plan_idx" on "${s}"."subscriptions" ("plan_id") where "status" = 'approved'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    for (const table of ['subscriptions', 'plans', 'apis', 'applications', 'quota_states', 'quota_counters', 'usage_rollup_day', 'usage_rollup_hour', 'usage_rollup_minute', 'usage_ledger']) {
      await queryRunner.query(`drop table "${s}"."${table}"`);
    }
  }
}

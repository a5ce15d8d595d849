import type { MigrationInterface, QueryRunner } from 'typeorm';

const schemaOf = (queryRunner: QueryRunner) => (queryRunner.connection.options as { schema: string }).schema;

/** Teams and applications mirrored from identity; APIs, versions, routes, plans and subscriptions. */
export class CreateCatalogTables1737000000000 implements MigrationInterface {
  name = 'CreateCatalogTables1737000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`create table "${s}"."teams" (
      "id" text primary key,
      "tenant_id" text not null,
      "name" text not null,
      "status" text not null check ("status" in ('active', 'deleted')),
      "changed_at" timestamptz not null
    )`);
    await queryRunner.query(`create table "${s}"."applications" (
      "id" text primary key,
      "tenant_id" text not null,
      "team_id" text not null,
      "name" text not null,
      "status" text not null check ("status" in ('active', 'suspended', 'deleted')),
      "changed_at" timestamptz not null
    )`);
    // array_to_string is only STABLE; tags are plain text, so the wrapper may be IMMUTABLE.
    await queryRunner.query(`create function "${s}"."tags_text"(text[]) returns text language sql immutable parallel safe as $$ select array_to_string($1, ' ') $$`);
    await queryRunner.query(`create table "${s}"."apis" (
      "id" uuid primary key,
      "tenant_id" text not null,
      "team_id" text not null,
      "name" text not null,
      "slug" text not null,
      "description" text not null default '',
      "docs" text not null default '',
      "tags" text[] not null default '{}',
      "visibility" text not null check ("visibility" in ('team', 'tenant', 'public')),
      "audience" text not null,
      "require_encrypted_tokens" boolean not null default false,
      "auto_approve" boolean not null default false,
      "scopes" text[] not null default '{}',
      "created_by" text not null,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      "search" tsvector generated always as (
        setweight(to_tsvector('simple', "name"), 'A') ||
        setweight(to_tsvector('simple', "${s}"."tags_text"("tags")), 'A') ||
        setweight(to_tsvector('simple', "description"), 'B')
      ) stored
    )`);
    await queryRunner.query(`create unique index "apis_tenant_slug_uq" on "${s}"."apis" ("tenant_id", "slug")`);
    await queryRunner.query(`create unique index "apis_audience_uq" on "${s}"."apis" ("audience")`);
    await queryRunner.query(`create index "apis_team_idx" on "${s}"."apis" ("team_id")`);
    await queryRunner.query(`create index "apis_tags_idx" on "${s}"."apis" using gin ("tags")`);
    await queryRunner.query(`create index "apis_search_idx" on "${s}"."apis" using gin ("search")`);

    await queryRunner.query(`create table "${s}"."api_versions" (
      "id" uuid primary key,
      "api_id" uuid not null references "${s}"."apis" ("id") on delete cascade,
      "tenant_id" text not null,
      "version" text not null,
      "state" text not null check ("state" in ('draft', 'published', 'deprecated', 'retired')),
      "base_path" text not null,
      "host" text,
      "upstream" jsonb not null,
      "auth" jsonb not null,
      "max_body_bytes" integer not null check ("max_body_bytes" > 0),
      "plan_ids" uuid[],
      "openapi" jsonb,
      "openapi_format" text check ("openapi_format" in ('json', 'yaml')),
      "openapi_size" integer,
      "openapi_version" text,
      "routes_declared" boolean not null default false,
      "published_at" timestamptz,
      "deprecated_at" timestamptz,
      "sunset_at" timestamptz,
      "retired_at" timestamptz,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      check ("state" <> 'deprecated' or "sunset_at" is not null)
    )`);
    await queryRunner.query(`create unique index "api_versions_api_version_uq" on "${s}"."api_versions" ("api_id", "version")`);
    await queryRunner.query(`create index "api_versions_state_idx" on "${s}"."api_versions" ("state")`);

    await queryRunner.query(`create table "${s}"."routes" (
      "id" uuid primary key,
      "api_version_id" uuid not null references "${s}"."api_versions" ("id") on delete cascade,
      "api_id" uuid not null,
      "tenant_id" text not null,
      "template" text not null,
      "path" text not null,
      "normalized_path" text not null,
      "methods" text[] not null check (cardinality("methods") > 0)
    )`);
    await queryRunner.query(`create unique index "routes_version_path_uq" on "${s}"."routes" ("api_version_id", "normalized_path")`);
    await queryRunner.query(`create index "routes_normalized_path_idx" on "${s}"."routes" ("normalized_path")`);

    await queryRunner.query(`create table "${s}"."plans" (
      "id" uuid primary key,
      "api_id" uuid not null references "${s}"."apis" ("id") on delete cascade,
      "tenant_id" text not null,
      "name" text not null,
      "description" text not null default '',
      "rate_limit" jsonb,
      "quotas" jsonb not null default '[]'::jsonb,
      "currency" text,
      "archived_at" timestamptz,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null
    )`);
    await queryRunner.query(`create unique index "plans_api_name_uq" on "${s}"."plans" ("api_id", lower("name")) where "archived_at" is null`);

    await queryRunner.query(`create table "${s}"."subscriptions" (
      "id" uuid primary key,
      "tenant_id" text not null,
      "api_id" uuid not null references "${s}"."apis" ("id") on delete cascade,
      "application_id" text not null,
      "application_tenant_id" text not null,
      "application_team_id" text not null,
      "plan_id" uuid not null references "${s}"."plans" ("id") on delete cascade,
      "status" text not null check ("status" in ('pending', 'approved', 'rejected', 'revoked', 'cancelled')),
      "scopes" text[] not null default '{}',
      "requested_by" text not null,
      "decided_by" text,
      "reason" text,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null
    )`);
    await queryRunner.query(
      `create unique index "subscriptions_active_uq" on "${s}"."subscriptions" ("application_id", "api_id") where "status" in ('pending', 'approved')`,
    );
    await queryRunner.query(`create index "subscriptions_api_idx" on "${s}"."subscriptions" ("api_id", "status")`);
    await queryRunner.query(`create index "subscriptions_application_idx" on "${s}"."subscriptions" ("application_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    for (const table of ['subscriptions', 'plans', 'routes', 'api_versions', 'apis', 'applications', 'teams']) {
      await queryRunner.query(`drop table if exists "${s}"."${table}"`);
    }
    await queryRunner.query(`drop function if exists "${s}"."tags_text"(text[])`);
  }
}

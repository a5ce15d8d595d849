import type { MigrationInterface, QueryRunner } from 'typeorm';

const schemaOf = (queryRunner: QueryRunner) => (queryRunner.connection.options as { schema: string }).schema;
const kinds = `('http', 'ai', 'prompt')`;
const providerTypes = `('openai', 'azure-openai', 'anthropic', 'gemini', 'mistral', 'cohere', 'openai-compatible')`;

/** API kinds (http, ai, prompt), prompt definitions, AI providers, models and routing policies. */
export class CreateAiTables1738000000000 implements MigrationInterface {
  name = 'CreateAiTables1738000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`alter table "${s}"."apis" add column "kind" text not null default 'http' check ("kind" in ${kinds})`);
    await queryRunner.query(`alter table "${s}"."api_versions" add column "kind" text not null default 'http' check ("kind" in ${kinds})`);
    await queryRunner.query(`alter table "${s}"."api_versions" add column "prompt" jsonb`);
    await queryRunner.query(`alter table "${s}"."api_versions" add constraint "api_versions_prompt_ck" check (("kind" = 'prompt') = ("prompt" is not null))`);
    await queryRunner.query(`alter table "${s}"."routes" add column "kind" text not null default 'http' check ("kind" in ${kinds})`);

    await queryRunner.query(`create table "${s}"."ai_providers" (
      "id" uuid primary key,
      "tenant_id" text not null,
      "team_id" text not null,
      "name" text not null,
      "type" text not null check ("type" in ${providerTypes}),
      "base_url" text not null,
      "api_version" text,
      "deployment" text,
      "credential_ciphertext" bytea,
      "credential_key_id" text,
      "credential_fingerprint" text,
      "credential_updated_at" timestamptz,
      "transport_secret_id" text,
      "created_by" text not null,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      check (("credential_ciphertext" is null) = ("credential_key_id" is null))
    )`);
    await queryRunner.query(`create unique index "ai_providers_tenant_name_uq" on "${s}"."ai_providers" ("tenant_id", lower("name"))`);

    await queryRunner.query(`create table "${s}"."ai_models" (
      "id" uuid primary key,
      "tenant_id" text not null,
      "team_id" text not null,
      "name" text not null,
      "provider_id" uuid not null references "${s}"."ai_providers" ("id") on delete restrict,
      "upstream_model" text not null,
      "context_window" integer not null check ("context_window" > 0),
      "max_output_tokens" integer check ("max_output_tokens" > 0),
      "capabilities" text[] not null,
      "prices" jsonb,
      "created_by" text not null,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null
    )`);
    await queryRunner.query(`create unique index "ai_models_tenant_name_uq" on "${s}"."ai_models" ("tenant_id", "name")`);
    await queryRunner.query(`create index "ai_models_provider_idx" on "${s}"."ai_models" ("provider_id")`);

    await queryRunner.query(`create table "${s}"."ai_policies" (
      "id" uuid primary key,
      "tenant_id" text not null,
      "team_id" text not null,
      "model" text not null,
      "targets" jsonb not null,
      "retries" integer not null check ("retries" between 0 and 5),
      "timeout_ms" integer not null check ("timeout_ms" > 0),
      "created_by" text not null,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null
    )`);
    await queryRunner.query(`create unique index "ai_policies_tenant_model_uq" on "${s}"."ai_policies" ("tenant_id", "model")`);
    await queryRunner.query(`create index "ai_policies_targets_idx" on "${s}"."ai_policies" using gin ("targets" jsonb_path_ops)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    for (const table of ['ai_policies', 'ai_models', 'ai_providers']) await queryRunner.query(`drop table if exists "${s}"."${table}"`);
    await queryRunner.query(`alter table "${s}"."routes" drop column if exists "kind"`);
    await queryRunner.query(`alter table "${s}"."api_versions" drop constraint if exists "api_versions_prompt_ck"`);
    await queryRunner.query(`alter table "${s}"."api_versions" drop column if exists "prompt"`);
    await queryRunner.query(`alter table "${s}"."api_versions" drop column if exists "kind"`);
    await queryRunner.query(`alter table "${s}"."apis" drop column if exists "kind"`);
  }
}

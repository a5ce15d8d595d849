import type { MigrationInterface, QueryRunner } from 'typeorm';

const schemaOf = (queryRunner: QueryRunner) => (queryRunner.connection.options as { schema: string }).schema;

/** Key sets, key versions (one active per set, at most one pending), and the audit log. */
export class CreateKeysTables1736000000000 implements MigrationInterface {
  name = 'CreateKeysTables1736000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`create table "${s}"."key_sets" (
      "id" text primary key,
      "purpose" text not null check ("purpose" in ('access-token-signing', 'access-token-encryption')),
      "tenant_id" text,
      "alg" text not null,
      "rsa_modulus_length" integer not null default 2048,
      "rotation_period_seconds" integer not null check ("rotation_period_seconds" > 0),
      "lead_time_seconds" integer not null check ("lead_time_seconds" > 0),
      "retire_window_seconds" integer not null check ("retire_window_seconds" > 0),
      "destroy_after_seconds" integer not null check ("destroy_after_seconds" > 0),
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null
    )`);
    await queryRunner.query(`create unique index "key_sets_purpose_tenant_uq" on "${s}"."key_sets" ("purpose", coalesce("tenant_id", ''))`);
    await queryRunner.query(`create table "${s}"."keys" (
      "kid" text primary key,
      "key_set_id" text not null references "${s}"."key_sets" ("id"),
      "alg" text not null,
      "state" text not null check ("state" in ('pending', 'active', 'retiring', 'retired', 'destroyed', 'revoked')),
      "public_jwk" jsonb not null,
      "master_key_id" text,
      "wrapped_private_key" bytea,
      "activation_reason" text not null default 'scheduled',
      "created_at" timestamptz not null,
      "activates_at" timestamptz not null,
      "retires_at" timestamptz,
      "verifiable_until" timestamptz,
      "retired_at" timestamptz,
      "revoked_at" timestamptz,
      "revocation_reason" text,
      "destroyed_at" timestamptz,
      check (("wrapped_private_key" is null) = ("master_key_id" is null)),
      check ("state" = 'destroyed' or "wrapped_private_key" is not null)
    )`);
    await queryRunner.query(`create unique index "keys_one_active_per_set" on "${s}"."keys" ("key_set_id") where "state" = 'active'`);
    await queryRunner.query(`create unique index "keys_one_pending_per_set" on "${s}"."keys" ("key_set_id") where "state" = 'pending'`);
    await queryRunner.query(`create index "keys_set_state_idx" on "${s}"."keys" ("key_set_id", "state")`);
    await queryRunner.query(`create table "${s}"."audit_log" (
      "id" bigserial primary key,
      "at" timestamptz not null,
      "actor" text not null,
      "actor_tenant_id" text,
      "action" text not null,
      "tenant_id" text,
      "key_set_id" text,
      "kid" text,
      "details" jsonb not null default '{}'::jsonb,
      "correlation_id" text
    )`);
    await queryRunner.query(`create index "audit_log_tenant_at_idx" on "${s}"."audit_log" ("tenant_id", "at")`);
    await queryRunner.query(`create index "audit_log_key_set_idx" on "${s}"."audit_log" ("key_set_id", "id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`drop table "${s}"."audit_log"`);
    await queryRunner.query(`drop table "${s}"."keys"`);
    await queryRunner.query(`drop table "${s}"."key_sets"`);
  }
}

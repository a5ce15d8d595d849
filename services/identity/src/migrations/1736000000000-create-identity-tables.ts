import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateIdentityTables1736000000000 implements MigrationInterface {
  name = 'CreateIdentityTables1736000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = (queryRunner.connection.options as { schema: string }).schema;
    await queryRunner.query(`create table "${s}"."tenants" (
      "id" text primary key,
      "name" text not null,
      "status" text not null check ("status" in ('active', 'suspended')),
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null
    )`);
    await queryRunner.query(`create table "${s}"."teams" (
      "id" text primary key,
      "tenant_id" text not null references "${s}"."tenants" ("id"),
      "name" text not null,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      unique ("tenant_id", "name")
    )`);
    await queryRunner.query(`create table "${s}"."members" (
      "id" text primary key,
      "tenant_id" text not null references "${s}"."tenants" ("id"),
      "email" text not null unique,
      "display_name" text not null,
      "password_hash" text not null,
      "platform_admin" boolean not null default false,
      "status" text not null check ("status" in ('active', 'disabled')),
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null
    )`);
    await queryRunner.query(`create index "members_tenant_idx" on "${s}"."members" ("tenant_id")`);
    await queryRunner.query(`create table "${s}"."team_memberships" (
      "team_id" text not null references "${s}"."teams" ("id") on delete cascade,
      "member_id" text not null references "${s}"."members" ("id") on delete cascade,
      "tenant_id" text not null,
      "role" text not null check ("role" in ('owner', 'admin', 'developer', 'viewer')),
      "created_at" timestamptz not null,
      primary key ("team_id", "member_id")
    )`);
    await queryRunner.query(`create index "team_memberships_member_idx" on "${s}"."team_memberships" ("member_id")`);
    await queryRunner.query(`create table "${s}"."applications" (
      "id" text primary key,
      "tenant_id" text not null references "${s}"."tenants" ("id"),
      "team_id" text not null references "${s}"."teams" ("id"),
      "name" text not null,
      "status" text not null check ("status" in ('active', 'suspended', 'deleted')),
      "require_encrypted_tokens" boolean not null,
      "allowed_scopes" jsonb not null,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null
    )`);
    await queryRunner.query(`create index "applications_tenant_idx" on "${s}"."applications" ("tenant_id", "team_id")`);
    await queryRunner.query(`create table "${s}"."credentials" (
      "id" text primary key,
      "application_id" text not null references "${s}"."applications" ("id"),
      "tenant_id" text not null,
      "kind" text not null check ("kind" in ('client_secret', 'private_key_jwt')),
      "secret_hash" text,
      "hint" text,
      "jwks" jsonb,
      "created_at" timestamptz not null,
      "expires_at" timestamptz,
      "revoked_at" timestamptz,
      check (("kind" = 'client_secret') = ("secret_hash" is not null)),
      check (("kind" = 'private_key_jwt') = ("jwks" is not null))
    )`);
    await queryRunner.query(`create index "credentials_application_idx" on "${s}"."credentials" ("application_id")`);
    await queryRunner.query(`create table "${s}"."client_assertions" (
      "client_id" text not null,
      "jti" text not null,
      "expires_at" timestamptz not null,
      primary key ("client_id", "jti")
    )`);
    await queryRunner.query(`create index "client_assertions_expires_idx" on "${s}"."client_assertions" ("expires_at")`);
    await queryRunner.query(`create table "${s}"."api_keys" (
      "id" text primary key,
      "application_id" text not null references "${s}"."applications" ("id"),
      "tenant_id" text not null,
      "prefix" text not null unique,
      "hash" text not null unique,
      "scopes" jsonb not null,
      "created_at" timestamptz not null,
      "expires_at" timestamptz,
      "revoked_at" timestamptz
    )`);
    await queryRunner.query(`create index "api_keys_application_idx" on "${s}"."api_keys" ("application_id")`);
    await queryRunner.query(`create table "${s}"."refresh_tokens" (
      "id" text primary key,
      "family_id" text not null,
      "token_hash" text not null unique,
      "tenant_id" text not null,
      "client_id" text not null,
      "subject" text not null,
      "scope" text not null,
      "audiences" jsonb not null,
      "issued_at" timestamptz not null,
      "expires_at" timestamptz not null,
      "rotated_at" timestamptz,
      "revoked_at" timestamptz,
      "access_jti" text not null,
      "access_expires_at" timestamptz not null
    )`);
    await queryRunner.query(`create index "refresh_tokens_family_idx" on "${s}"."refresh_tokens" ("family_id")`);
    await queryRunner.query(`create index "refresh_tokens_client_idx" on "${s}"."refresh_tokens" ("tenant_id", "client_id")`);
    await queryRunner.query(`create index "refresh_tokens_subject_idx" on "${s}"."refresh_tokens" ("tenant_id", "subject")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = (queryRunner.connection.options as { schema: string }).schema;
    for (const table of ['refresh_tokens', 'api_keys', 'client_assertions', 'credentials', 'applications', 'team_memberships', 'members', 'teams', 'tenants']) {
      await queryRunner.query(`drop table "${s}"."${table}"`);
    }
  }
}

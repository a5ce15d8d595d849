import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './schema';

/** Creates `outbox` and `processed_events` in the data source's schema. */
export class CreateMessagingTables1735689600000 implements MigrationInterface {
  name = 'CreateMessagingTables1735689600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner.connection);
    await queryRunner.query(`create table "${schema}"."outbox" (
      "id" bigserial primary key,
      "event_id" text,
      "event_type" text not null,
      "topic" text not null,
      "key" text not null,
      "value" text,
      "headers" jsonb not null default '{}'::jsonb,
      "created_at" timestamptz not null default now()
    )`);
    await queryRunner.query(`create table "${schema}"."processed_events" (
      "consumer_group" text not null,
      "event_id" text not null,
      "event_type" text not null,
      "topic" text not null,
      "partition" integer not null,
      "offset" bigint not null,
      "processed_at" timestamptz not null default now(),
      primary key ("consumer_group", "event_id")
    )`);
    await queryRunner.query(`create index "processed_events_processed_at_idx" on "${schema}"."processed_events" ("processed_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner.connection);
    await queryRunner.query(`drop table "${schema}"."processed_events"`);
    await queryRunner.query(`drop table "${schema}"."outbox"`);
  }
}

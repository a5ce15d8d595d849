import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An event committed with a state change and not yet published. The relay deletes it once Kafka acknowledged it. */
@Entity({ name: 'outbox' })
export class OutboxMessage {
  /** Publication order. */
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  /** Envelope id; null for a tombstone. */
  @Column({ name: 'event_id', type: 'text', nullable: true })
  eventId!: string | null;

  @Column({ name: 'event_type', type: 'text' })
  eventType!: string;

  /** Logical topic name (without the deployment prefix). */
  @Column({ type: 'text' })
  topic!: string;

  @Column({ type: 'text' })
  key!: string;

  /** The JSON envelope; null for a tombstone. */
  @Column({ type: 'text', nullable: true })
  value!: string | null;

  @Column({ type: 'jsonb', default: () => `'{}'::jsonb` })
  headers!: Record<string, string>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

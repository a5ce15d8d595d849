import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Who did what to which key set or key, and when. Never key material. */
@Entity({ name: 'audit_log' })
export class AuditEntryEntity {
  /** Insertion order. */
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'timestamptz' })
  at!: Date;

  /** `subject` of the admin principal, or `scheduler`. */
  @Column({ type: 'text' })
  actor!: string;

  /** Tenant of the principal; null for platform admins and the scheduler. */
  @Column({ name: 'actor_tenant_id', type: 'text', nullable: true })
  actorTenantId!: string | null;

  @Column({ type: 'text' })
  action!: string;

  /** Tenant whose key set the action touched; null for platform sets and platform-wide actions. */
  @Column({ name: 'tenant_id', type: 'text', nullable: true })
  tenantId!: string | null;

  @Column({ name: 'key_set_id', type: 'text', nullable: true })
  keySetId!: string | null;

  @Column({ type: 'text', nullable: true })
  kid!: string | null;

  @Column({ type: 'jsonb', default: () => `'{}'::jsonb` })
  details!: Record<string, unknown>;

  @Column({ name: 'correlation_id', type: 'text', nullable: true })
  correlationId!: string | null;
}

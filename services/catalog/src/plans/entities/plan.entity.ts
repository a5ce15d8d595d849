import type { Quota } from '@gatehouse/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

export interface RateLimit {
  requests: number;
  per: 'second' | 'minute';
}

@Entity({ name: 'plans' })
export class PlanEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'api_id', type: 'uuid' })
  apiId!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  description!: string;

  @Column({ name: 'rate_limit', type: 'jsonb', nullable: true })
  rateLimit!: RateLimit | null;

  @Column({ type: 'jsonb' })
  quotas!: Quota[];

  @Column({ type: 'text', nullable: true })
  currency!: string | null;

  /** Archived plans take no new subscriptions and are tombstoned on the plan topic. */
  @Column({ name: 'archived_at', type: 'timestamptz', nullable: true })
  archivedAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

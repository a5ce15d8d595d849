import { Column, Entity, PrimaryColumn } from 'typeorm';

export type SubscriptionStatus = 'pending' | 'approved' | 'rejected' | 'revoked' | 'cancelled';

@Entity({ name: 'subscriptions' })
export class SubscriptionEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** The API owner's tenant. */
  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ name: 'api_id', type: 'uuid' })
  apiId!: string;

  @Column({ name: 'application_id', type: 'text' })
  applicationId!: string;

  @Column({ name: 'application_tenant_id', type: 'text' })
  applicationTenantId!: string;

  @Column({ name: 'application_team_id', type: 'text' })
  applicationTeamId!: string;

  @Column({ name: 'plan_id', type: 'uuid' })
  planId!: string;

  @Column({ type: 'text' })
  status!: SubscriptionStatus;

  @Column({ type: 'text', array: true })
  scopes!: string[];

  @Column({ name: 'requested_by', type: 'text' })
  requestedBy!: string;

  @Column({ name: 'decided_by', type: 'text', nullable: true })
  decidedBy!: string | null;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An application as identity announced it (ApplicationStateV1); deleted ones are kept as `deleted`. */
@Entity({ name: 'applications' })
export class ApplicationEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ name: 'team_id', type: 'text' })
  teamId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  status!: 'active' | 'suspended' | 'deleted';

  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt!: Date;
}

import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A team as identity announced it (TeamChangedV1). */
@Entity({ name: 'teams' })
export class TeamEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  status!: 'active' | 'deleted';

  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt!: Date;
}

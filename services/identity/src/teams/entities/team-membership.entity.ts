import type { TeamRole } from '@gatehouse/auth';
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'team_memberships' })
export class TeamMembership {
  @PrimaryColumn({ name: 'team_id', type: 'text' })
  teamId!: string;

  @PrimaryColumn({ name: 'member_id', type: 'text' })
  memberId!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ type: 'text' })
  role!: TeamRole;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

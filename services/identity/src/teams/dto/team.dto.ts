import { teamRoles } from '@gatehouse/auth';
import { z } from 'zod';
import type { TeamMembership } from '../entities/team-membership.entity';
import type { Team } from '../entities/team.entity';

export const teamRoleSchema = z.enum(teamRoles);

export const createTeamSchema = z.strictObject({ name: z.string().trim().min(1).max(200) });
export const updateTeamSchema = createTeamSchema;
export const membershipSchema = z.strictObject({ role: teamRoleSchema });

export type CreateTeam = z.infer<typeof createTeamSchema>;
export type Membership = z.infer<typeof membershipSchema>;

export const teamView = (team: Team) => ({
  id: team.id,
  tenantId: team.tenantId,
  name: team.name,
  createdAt: team.createdAt.toISOString(),
  updatedAt: team.updatedAt.toISOString(),
});

export const membershipView = (membership: TeamMembership) => ({
  teamId: membership.teamId,
  memberId: membership.memberId,
  role: membership.role,
  createdAt: membership.createdAt.toISOString(),
});

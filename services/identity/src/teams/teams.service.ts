import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '@gatehouse/auth';
import { TeamChangedV1 } from '@gatehouse/contracts';
import { Outbox } from '@gatehouse/messaging';
import { conflict, notFound } from '@gatehouse/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { ApplicationsRepository } from '../applications/applications.repository';
import { assertTeamRole, assertTenantAdmin } from '../common/access';
import { Clock } from '../common/clock';
import { newId } from '../common/random';
import { MembersRepository } from '../members/members.repository';
import { TenantsService } from '../tenants/tenants.service';
import { EVENT_SOURCE } from '../tokens/revocations.service';
import type { CreateTeam, Membership } from './dto/team.dto';
import { TeamMembership } from './entities/team-membership.entity';
import { Team } from './entities/team.entity';
import { TeamsRepository } from './teams.repository';

/** Teams and who holds which role in them. */
@Injectable()
export class TeamsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly teams: TeamsRepository,
    private readonly members: MembersRepository,
    private readonly applications: ApplicationsRepository,
    private readonly tenants: TenantsService,
    private readonly clock: Clock,
  ) {}

  async get(principal: AdminPrincipal, tenantId: string, teamId: string): Promise<Team> {
    await this.tenants.visible(principal, tenantId);
    const team = await this.teams.find(tenantId, teamId);
    if (!team) throw notFound('team', teamId);
    return team;
  }

  async list(principal: AdminPrincipal, tenantId: string): Promise<Team[]> {
    await this.tenants.visible(principal, tenantId);
    return this.teams.list(tenantId);
  }

  /** Creates a team; a member creating it becomes its owner. */
  async create(principal: AdminPrincipal, tenantId: string, input: CreateTeam): Promise<Team> {
    await this.tenants.visible(principal, tenantId);
    assertTenantAdmin(principal, 'creating a team');
    return this.dataSource.transaction(async (manager) => {
      if (await this.teams.findByName(tenantId, input.name, manager)) throw conflict(`a team named ${input.name} already exists`);
      const team = await this.insert(manager, tenantId, input.name);
      const creator = principal.via === 'token' && principal.tenantId === tenantId ? await this.members.find(tenantId, principal.subject, manager) : null;
      if (creator) await this.teams.saveMembership(manager, this.membership(team, creator.id, 'owner'));
      return team;
    });
  }

  async insert(manager: EntityManager, tenantId: string, name: string): Promise<Team> {
    const now = this.clock.date();
    const team = Object.assign(new Team(), { id: newId(), tenantId, name, createdAt: now, updatedAt: now });
    await this.teams.save(manager, team);
    await Outbox.add(manager, TeamChangedV1, { teamId: team.id, tenantId, name, status: 'active', at: now.toISOString() }, { source: EVENT_SOURCE });
    return team;
  }

  async rename(principal: AdminPrincipal, tenantId: string, teamId: string, input: CreateTeam): Promise<Team> {
    const team = await this.get(principal, tenantId, teamId);
    assertTeamRole(principal, teamId, 'owner', 'renaming a team');
    return this.dataSource.transaction(async (manager) => {
      const clash = await this.teams.findByName(tenantId, input.name, manager);
      if (clash && clash.id !== teamId) throw conflict(`a team named ${input.name} already exists`);
      const now = this.clock.date();
      Object.assign(team, { name: input.name, updatedAt: now });
      await this.teams.save(manager, team);
      await Outbox.add(manager, TeamChangedV1, { teamId, tenantId, name: team.name, status: 'active', at: now.toISOString() }, { source: EVENT_SOURCE });
      return team;
    });
  }

  async delete(principal: AdminPrincipal, tenantId: string, teamId: string): Promise<void> {
    const team = await this.get(principal, tenantId, teamId);
    assertTeamRole(principal, teamId, 'owner', 'deleting a team');
    await this.dataSource.transaction(async (manager) => {
      if ((await this.applications.countLiveOfTeam(manager, teamId)) > 0) throw conflict('the team still owns applications; delete or move them first');
      await this.teams.delete(manager, teamId);
      await Outbox.add(manager, TeamChangedV1, { teamId, tenantId, name: team.name, status: 'deleted', at: this.clock.date().toISOString() }, { source: EVENT_SOURCE });
    });
  }

  async memberships(principal: AdminPrincipal, tenantId: string, teamId: string): Promise<TeamMembership[]> {
    await this.get(principal, tenantId, teamId);
    return this.teams.membersOf(teamId);
  }

  /** Sets a member's role; only an owner may grant or take away ownership, and the last owner stays. */
  async setRole(principal: AdminPrincipal, tenantId: string, teamId: string, memberId: string, input: Membership): Promise<TeamMembership> {
    const team = await this.get(principal, tenantId, teamId);
    assertTeamRole(principal, teamId, input.role === 'owner' ? 'owner' : 'admin', `granting the ${input.role} role`);
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.members.find(tenantId, memberId, manager))) throw notFound('member', memberId);
      const existing = await this.teams.findMembership(teamId, memberId, manager);
      if (existing?.role === 'owner' && input.role !== 'owner') {
        assertTeamRole(principal, teamId, 'owner', 'taking away the owner role');
        if ((await this.teams.countOwners(manager, teamId)) <= 1) throw conflict('a team keeps at least one owner');
      }
      const membership = existing ?? this.membership(team, memberId, input.role);
      membership.role = input.role;
      await this.teams.saveMembership(manager, membership);
      return membership;
    });
  }

  async removeMember(principal: AdminPrincipal, tenantId: string, teamId: string, memberId: string): Promise<void> {
    await this.get(principal, tenantId, teamId);
    assertTeamRole(principal, teamId, 'admin', 'removing a member from a team');
    await this.dataSource.transaction(async (manager) => {
      const existing = await this.teams.findMembership(teamId, memberId, manager);
      if (!existing) throw notFound('membership', memberId);
      if (existing.role === 'owner') {
        assertTeamRole(principal, teamId, 'owner', 'removing an owner');
        if ((await this.teams.countOwners(manager, teamId)) <= 1) throw conflict('a team keeps at least one owner');
      }
      await this.teams.deleteMembership(manager, teamId, memberId);
    });
  }

  private membership(team: Team, memberId: string, role: TeamMembership['role']): TeamMembership {
    return Object.assign(new TeamMembership(), { teamId: team.id, memberId, tenantId: team.tenantId, role, createdAt: this.clock.date() });
  }
}

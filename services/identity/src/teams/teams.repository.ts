import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { TeamMembership } from './entities/team-membership.entity';
import { Team } from './entities/team.entity';

@Injectable()
export class TeamsRepository {
  constructor(private readonly dataSource: DataSource) {}

  find(tenantId: string, id: string, manager: EntityManager = this.dataSource.manager): Promise<Team | null> {
    return manager.findOneBy(Team, { tenantId, id });
  }

  findByName(tenantId: string, name: string, manager: EntityManager = this.dataSource.manager): Promise<Team | null> {
    return manager.findOneBy(Team, { tenantId, name });
  }

  list(tenantId: string): Promise<Team[]> {
    return this.dataSource.manager.find(Team, { where: { tenantId }, order: { createdAt: 'ASC' } });
  }

  async save(manager: EntityManager, team: Team): Promise<void> {
    await manager.save(Team, team);
  }

  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.delete(TeamMembership, { teamId: id });
    await manager.delete(Team, { id });
  }

  membersOf(teamId: string): Promise<TeamMembership[]> {
    return this.dataSource.manager.find(TeamMembership, { where: { teamId }, order: { createdAt: 'ASC' } });
  }

  membershipsOf(memberId: string, manager: EntityManager = this.dataSource.manager): Promise<TeamMembership[]> {
    return manager.find(TeamMembership, { where: { memberId }, order: { createdAt: 'ASC' } });
  }

  findMembership(teamId: string, memberId: string, manager: EntityManager = this.dataSource.manager): Promise<TeamMembership | null> {
    return manager.findOneBy(TeamMembership, { teamId, memberId });
  }

  async saveMembership(manager: EntityManager, membership: TeamMembership): Promise<void> {
    await manager.save(TeamMembership, membership);
  }

  async deleteMembership(manager: EntityManager, teamId: string, memberId: string): Promise<void> {
    await manager.delete(TeamMembership, { teamId, memberId });
  }

  async countOwners(manager: EntityManager, teamId: string): Promise<number> {
    return manager.countBy(TeamMembership, { teamId, role: 'owner' });
  }
}

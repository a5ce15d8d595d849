import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { TeamMembership } from '../teams/entities/team-membership.entity';
import { Member } from './entities/member.entity';

@Injectable()
export class MembersRepository {
  constructor(private readonly dataSource: DataSource) {}

  find(tenantId: string, id: string, manager: EntityManager = this.dataSource.manager): Promise<Member | null> {
    return manager.findOneBy(Member, { tenantId, id });
  }

  findByEmail(email: string, manager: EntityManager = this.dataSource.manager): Promise<Member | null> {
    return manager.findOneBy(Member, { email: email.toLowerCase() });
  }

  list(tenantId: string): Promise<Member[]> {
    return this.dataSource.manager.find(Member, { where: { tenantId }, order: { createdAt: 'ASC' } });
  }

  async save(manager: EntityManager, member: Member): Promise<void> {
    await manager.save(Member, member);
  }

  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.delete(TeamMembership, { memberId: id });
    await manager.delete(Member, { id });
  }
}

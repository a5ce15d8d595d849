import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '@gatehouse/auth';
import { conflict, notFound } from '@gatehouse/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { assertTenantAdmin } from '../common/access';
import { Clock } from '../common/clock';
import { newId } from '../common/random';
import { TeamMembership } from '../teams/entities/team-membership.entity';
import { TeamsRepository } from '../teams/teams.repository';
import { TenantsService } from '../tenants/tenants.service';
import { RefreshTokensRepository } from '../tokens/refresh-tokens.repository';
import { RevocationsService } from '../tokens/revocations.service';
import type { CreateMember, UpdateMember } from './dto/member.dto';
import { Member } from './entities/member.entity';
import { MembersRepository } from './members.repository';
import { PasswordHasher } from './password-hasher';

/** People who administer a tenant. Disabling or deleting one ends their sessions everywhere. */
@Injectable()
export class MembersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly members: MembersRepository,
    private readonly teams: TeamsRepository,
    private readonly tenants: TenantsService,
    private readonly passwords: PasswordHasher,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly revocations: RevocationsService,
    private readonly clock: Clock,
  ) {}

  async list(principal: AdminPrincipal, tenantId: string): Promise<Member[]> {
    await this.tenants.visible(principal, tenantId);
    return this.members.list(tenantId);
  }

  async get(principal: AdminPrincipal, tenantId: string, memberId: string): Promise<{ member: Member; memberships: TeamMembership[] }> {
    await this.tenants.visible(principal, tenantId);
    const member = await this.members.find(tenantId, memberId);
    if (!member) throw notFound('member', memberId);
    return { member, memberships: await this.teams.membershipsOf(memberId) };
  }

  async create(principal: AdminPrincipal, tenantId: string, input: CreateMember): Promise<Member> {
    await this.tenants.visible(principal, tenantId);
    assertTenantAdmin(principal, 'adding a member');
    const passwordHash = await this.passwords.hash(input.password);
    return this.dataSource.transaction(async (manager) => {
      for (const { teamId } of input.teams) if (!(await this.teams.find(tenantId, teamId, manager))) throw notFound('team', teamId);
      return this.insert(manager, { tenantId, email: input.email, displayName: input.displayName, passwordHash, platformAdmin: false, teams: input.teams });
    });
  }

  async insert(
    manager: EntityManager,
    input: { tenantId: string; email: string; displayName: string; passwordHash: string; platformAdmin: boolean; teams: Array<{ teamId: string; role: TeamMembership['role'] }> },
  ): Promise<Member> {
    if (await this.members.findByEmail(input.email, manager)) throw conflict(`a member with email ${input.email} already exists`);
    const now = this.clock.date();
    const member = Object.assign(new Member(), {
      id: newId(),
      tenantId: input.tenantId,
      email: input.email.toLowerCase(),
      displayName: input.displayName,
      passwordHash: input.passwordHash,
      platformAdmin: input.platformAdmin,
      status: 'active',
      createdAt: now,
      updatedAt: now,
    });
    await this.members.save(manager, member);
    for (const { teamId, role } of input.teams) {
      await this.teams.saveMembership(manager, Object.assign(new TeamMembership(), { teamId, memberId: member.id, tenantId: input.tenantId, role, createdAt: now }));
    }
    return member;
  }

  async update(principal: AdminPrincipal, tenantId: string, memberId: string, input: UpdateMember): Promise<Member> {
    await this.tenants.visible(principal, tenantId);
    const self = principal.via === 'token' && principal.subject === memberId && principal.tenantId === tenantId;
    if (!self || input.status !== undefined) assertTenantAdmin(principal, 'changing another member');
    const passwordHash = input.password ? await this.passwords.hash(input.password) : undefined;
    const { member, revoked } = await this.dataSource.transaction(async (manager) => {
      const current = await this.members.find(tenantId, memberId, manager);
      if (!current) throw notFound('member', memberId);
      const now = this.clock.date();
      Object.assign(current, {
        ...(input.displayName ? { displayName: input.displayName } : {}),
        ...(passwordHash ? { passwordHash } : {}),
        ...(input.status ? { status: input.status } : {}),
        updatedAt: now,
      });
      await this.members.save(manager, current);
      const endSessions = input.status === 'disabled' || passwordHash !== undefined;
      return { member: current, revoked: endSessions ? await this.endSessions(manager, current, 'member disabled or password changed') : null };
    });
    if (revoked) this.revocations.applyLocally([revoked]);
    return member;
  }

  async delete(principal: AdminPrincipal, tenantId: string, memberId: string): Promise<void> {
    await this.tenants.visible(principal, tenantId);
    assertTenantAdmin(principal, 'removing a member');
    const revoked = await this.dataSource.transaction(async (manager) => {
      const member = await this.members.find(tenantId, memberId, manager);
      if (!member) throw notFound('member', memberId);
      if (member.platformAdmin) throw conflict('the platform admin cannot be deleted through the API');
      const state = await this.endSessions(manager, member, 'member deleted');
      await this.members.delete(manager, memberId);
      return state;
    });
    this.revocations.applyLocally([revoked]);
  }

  private async endSessions(manager: EntityManager, member: Member, reason: string) {
    await this.refreshTokens.revokeBySubject(manager, member.tenantId, member.id, this.clock.date());
    return this.revocations.stage(manager, { kind: 'subject', tenantId: member.tenantId, subject: member.id }, reason);
  }
}

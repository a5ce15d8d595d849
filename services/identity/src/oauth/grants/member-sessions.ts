import { Inject, Injectable } from '@nestjs/common';
import { ADMIN_AUDIENCE } from '@gatehouse/auth';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import type { IdentityConfig } from '../../config/identity-config';
import { IDENTITY_CONFIG } from '../../core/identity-core.module';
import type { Member } from '../../members/entities/member.entity';
import { MembersRepository } from '../../members/members.repository';
import { TeamsRepository } from '../../teams/teams.repository';
import { TenantsRepository } from '../../tenants/tenants.repository';
import { AccessTokenIssuer } from '../../tokens/access-token.issuer';
import { RefreshTokensService } from '../../tokens/refresh-tokens.service';
import { CLI_CLIENT_ID } from '../client-authenticator';
import { type TokenResponse, tokenResponse } from './token-response';

/**
 * Member (admin) sessions: an access token for `urn:gatehouse:admin` carrying the member's
 * team roles (`teams: [{id, role}]`) and `platform_admin`, plus a rotating refresh token.
 * Roles are read again at every refresh, so a changed role shows within one access-token
 * lifetime.
 */
@Injectable()
export class MemberSessions {
  constructor(
    private readonly members: MembersRepository,
    private readonly teams: TeamsRepository,
    private readonly tenants: TenantsRepository,
    private readonly issuer: AccessTokenIssuer,
    private readonly refreshTokens: RefreshTokensService,
    private readonly clock: Clock,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {}

  /** The member behind a session, when it may still have one. */
  async activeMember(tenantId: string, memberId: string, manager?: EntityManager): Promise<Member | null> {
    const member = await this.members.find(tenantId, memberId, manager);
    if (!member || member.status !== 'active') return null;
    const tenant = await this.tenants.find(tenantId, manager);
    return tenant?.status === 'active' ? member : null;
  }

  async issue(manager: EntityManager, member: Member, family?: { id: string; expiresAt: Date }): Promise<TokenResponse> {
    const memberships = await this.teams.membershipsOf(member.id, manager);
    const issued = await this.issuer.issue({
      tenantId: member.tenantId,
      subject: member.id,
      clientId: CLI_CLIENT_ID,
      audiences: [ADMIN_AUDIENCE],
      scopes: [],
      ttlSeconds: this.config.ADMIN_TOKEN_TTL_SECONDS,
      encrypt: false,
      claims: {
        email: member.email,
        teams: memberships.map((membership) => ({ id: membership.teamId, role: membership.role })),
        ...(member.platformAdmin ? { platform_admin: true } : {}),
      },
    });
    const refreshToken = await this.refreshTokens.issue(manager, {
      tenantId: member.tenantId,
      clientId: CLI_CLIENT_ID,
      subject: member.id,
      scope: '',
      audiences: [ADMIN_AUDIENCE],
      ...(family ? { familyId: family.id } : {}),
      expiresAt: family?.expiresAt ?? new Date(this.clock.now() + this.config.REFRESH_TOKEN_TTL_SECONDS * 1000),
      access: { jti: issued.jti, expiresAt: issued.expiresAt },
    });
    return tokenResponse(issued, [], { refresh_token: refreshToken });
  }
}

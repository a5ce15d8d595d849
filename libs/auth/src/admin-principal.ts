import { PLATFORM_TENANT } from '@gatehouse/contracts';
import { TokenError } from './errors';
import type { VerifiedToken } from './verified-token';

/** Audience every admin (member) token carries. */
export const ADMIN_AUDIENCE = 'urn:gatehouse:admin';

/** Every team role, weakest first. */
export const teamRoles = ['viewer', 'developer', 'admin', 'owner'] as const;
/** A member's role in a team. */
export type TeamRole = (typeof teamRoles)[number];

const rank: Readonly<Record<TeamRole, number>> = { viewer: 0, developer: 1, admin: 2, owner: 3 };

/** Who is calling an admin API. */
export interface AdminPrincipal {
  readonly subject: string;
  readonly tenantId: string;
  /** Role per team id. */
  readonly teams: ReadonlyMap<string, TeamRole>;
  /** Platform administrators may act on every tenant and team. */
  readonly platformAdmin: boolean;
  readonly scopes: ReadonlySet<string>;
  /** `token` for member tokens, `bootstrap` for the bootstrap admin secret. */
  readonly via: 'token' | 'bootstrap';
  readonly clientId: string | null;
}

const isRole = (value: unknown): value is TeamRole => typeof value === 'string' && value in rank;

/**
 * Builds the principal from a verified admin token: `teams` must be an array of
 * `{ id, role }` with a known role, `platform_admin` must be exactly `true` to count, and a
 * platform admin must belong to the platform tenant.
 */
export function adminPrincipalFromToken(token: VerifiedToken): AdminPrincipal {
  const rawTeams = token.claims.teams ?? [];
  if (!Array.isArray(rawTeams)) throw new TokenError('ERR_TOKEN_CLAIMS', 'claim teams must be an array');
  const teams = new Map<string, TeamRole>();
  for (const team of rawTeams as unknown[]) {
    const { id, role } = (typeof team === 'object' && team !== null ? team : {}) as Record<string, unknown>;
    if (typeof id !== 'string' || id.length === 0 || !isRole(role)) throw new TokenError('ERR_TOKEN_CLAIMS', 'claim teams entries must be { id, role } with role owner, admin, developer or viewer');
    const known = teams.get(id);
    if (known === undefined || rank[role] > rank[known]) teams.set(id, role);
  }
  const platformAdmin = token.claims.platform_admin === true;
  if (platformAdmin && token.tenant !== PLATFORM_TENANT) throw new TokenError('ERR_TOKEN_CLAIMS', `platform_admin is only valid for the ${PLATFORM_TENANT} tenant`);
  return Object.freeze({
    subject: token.subject,
    tenantId: token.tenant,
    teams,
    platformAdmin,
    scopes: new Set(token.scopes),
    via: 'token' as const,
    clientId: token.clientId,
  });
}

/** The principal of a caller that presented the bootstrap admin secret. */
export function bootstrapAdminPrincipal(): AdminPrincipal {
  return Object.freeze({
    subject: 'bootstrap-admin',
    tenantId: PLATFORM_TENANT,
    teams: new Map<string, TeamRole>(),
    platformAdmin: true,
    scopes: new Set<string>(),
    via: 'bootstrap' as const,
    clientId: null,
  });
}

/** True when the principal holds at least `minimumRole` in `teamId`, or is a platform admin. */
export function canAdministerTeam(principal: AdminPrincipal, teamId: string, minimumRole: TeamRole = 'admin'): boolean {
  if (principal.platformAdmin) return true;
  const role = principal.teams.get(teamId);
  return role !== undefined && rank[role] >= rank[minimumRole];
}

/** True when the principal may act inside `tenantId`: its own tenant, or any as platform admin. */
export function canAccessTenant(principal: AdminPrincipal, tenantId: string): boolean {
  return principal.platformAdmin || principal.tenantId === tenantId;
}

import { type AdminPrincipal, canAdministerTeam, type TeamRole } from '@gatehouse/auth';
import { forbidden, notFound } from '@gatehouse/platform';

export interface OwnedApi {
  id: string;
  tenantId: string;
  teamId: string;
  visibility: 'team' | 'tenant' | 'public';
}

/** Team-only APIs: members of the team; tenant APIs: the tenant; public APIs: every authenticated principal. */
export function canSeeApi(principal: AdminPrincipal, api: OwnedApi): boolean {
  if (principal.platformAdmin || api.visibility === 'public') return true;
  if (principal.tenantId !== api.tenantId) return false;
  return api.visibility === 'tenant' || principal.teams.has(api.teamId);
}

/** Members of the owning team (any role) see drafts and subscriptions of the API. */
export function isApiTeamMember(principal: AdminPrincipal, api: OwnedApi): boolean {
  return principal.platformAdmin || (principal.tenantId === api.tenantId && principal.teams.has(api.teamId));
}

/** The API when the principal may see it; otherwise 404 exactly as if it did not exist. */
export function visibleApi<A extends OwnedApi>(principal: AdminPrincipal, api: A | null, apiId: string): A {
  if (!api || !canSeeApi(principal, api)) throw notFound('API', apiId);
  return api;
}

/**
 * The API when the principal may change it: outside its tenant (or for a team-only API of
 * another team) it does not exist (404); inside, a role below `minimumRole` is a 403.
 */
export function manageableApi<A extends OwnedApi>(principal: AdminPrincipal, api: A | null, apiId: string, minimumRole: TeamRole): A {
  if (!api || !canSeeApi(principal, api) || (!principal.platformAdmin && principal.tenantId !== api.tenantId)) throw notFound('API', apiId);
  if (!canAdministerTeam(principal, api.teamId, minimumRole)) {
    throw forbidden(`this needs the ${minimumRole} role (or higher) in team ${api.teamId}, which owns API ${api.id}`);
  }
  return api;
}

/**
 * The tenant a request is about: a platform admin may name any with `?tenant=` (none means
 * every tenant); anyone else acts in its own tenant and gets 404 for another one.
 */
export function targetTenant(principal: AdminPrincipal, requested: string | undefined): string | null {
  if (principal.platformAdmin) return requested === undefined || requested === '' ? null : requested;
  if (requested !== undefined && requested !== '' && requested !== principal.tenantId) throw notFound('tenant', requested);
  return principal.tenantId;
}

export const actorOf = (principal: AdminPrincipal): string => (principal.via === 'bootstrap' ? 'bootstrap-admin' : `${principal.tenantId}/${principal.subject}`).slice(0, 200);

/** Role to edit versions and documents of a team's API. */
export const EDIT_ROLE = 'developer' satisfies TeamRole;
/** Role to create, change or delete APIs, move versions through their lifecycle, manage plans and decide subscriptions. */
export const MANAGE_ROLE = 'admin' satisfies TeamRole;

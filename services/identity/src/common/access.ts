import { type AdminPrincipal, canAccessTenant, canAdministerTeam, type TeamRole } from '@gatehouse/auth';
import { forbidden, notFound } from '@gatehouse/platform';

/**
 * The 404 rule: whatever belongs to another tenant than the caller's does not exist for the
 * caller. Platform admins see every tenant.
 */
export function assertTenant(principal: AdminPrincipal, tenantId: string): void {
  if (!canAccessTenant(principal, tenantId)) throw notFound('tenant', tenantId);
}

/** Inside the caller's tenant, a missing role is a 403 (the caller may know the team exists). */
export function assertTeamRole(principal: AdminPrincipal, teamId: string, minimumRole: TeamRole, action: string): void {
  if (!canAdministerTeam(principal, teamId, minimumRole)) throw forbidden(`${action} needs the ${minimumRole} role in team ${teamId}`);
}

/** Tenant-wide administration (members, teams): platform admins and owners of any team of the tenant. */
export function assertTenantAdmin(principal: AdminPrincipal, action: string): void {
  if (principal.platformAdmin) return;
  for (const role of principal.teams.values()) if (role === 'owner') return;
  throw forbidden(`${action} needs the owner role in a team of the tenant, or platform admin`);
}

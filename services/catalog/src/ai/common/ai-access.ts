import { type AdminPrincipal, canAdministerTeam } from '@gatehouse/auth';
import { forbidden, notFound } from '@gatehouse/platform';
import { MANAGE_ROLE } from '../../common/access';
import type { DirectoryRepository } from '../../directory/directory.repository';
import type { TeamEntity } from '../../directory/entities/team.entity';

/** An AI provider, model or policy: it belongs to a tenant and is managed by one of its teams. */
export interface TenantResource {
  id: string;
  tenantId: string;
  teamId: string;
}

/** Every member of the tenant may read AI resources (prompt APIs of any team use them); another tenant gets 404. */
export function readableResource<R extends TenantResource>(principal: AdminPrincipal, resource: R | null, what: string, id: string): R {
  if (!resource || (!principal.platformAdmin && principal.tenantId !== resource.tenantId)) throw notFound(what, id);
  return resource;
}

/** Changes need the admin role in the owning team: 404 outside the tenant, 403 inside without the role. */
export function manageableResource<R extends TenantResource>(principal: AdminPrincipal, resource: R | null, what: string, id: string): R {
  const found = readableResource(principal, resource, what, id);
  if (!canAdministerTeam(principal, found.teamId, MANAGE_ROLE)) {
    throw forbidden(`this needs the ${MANAGE_ROLE} role (or higher) in team ${found.teamId}, which owns ${what} ${found.id}`);
  }
  return found;
}

/** The active team that will own a new resource, when the principal may administer it. */
export async function owningTeam(directory: DirectoryRepository, principal: AdminPrincipal, teamId: string, what: string): Promise<TeamEntity> {
  const team = await directory.findTeam(teamId);
  if (!team || team.status !== 'active' || (!principal.platformAdmin && team.tenantId !== principal.tenantId)) throw notFound('team', teamId);
  if (!canAdministerTeam(principal, team.id, MANAGE_ROLE)) throw forbidden(`creating ${what} needs the ${MANAGE_ROLE} role (or higher) in team ${team.id}`);
  return team;
}

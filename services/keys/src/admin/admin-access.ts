import type { AdminPrincipal } from '@gatehouse/auth';
import { forbidden, notFound } from '@gatehouse/platform';
import type { Actor } from '../audit/actor';
import type { KeySetEntity } from '../key-sets/entities/key-set.entity';

export const actorOf = (principal: AdminPrincipal): Actor => ({ subject: principal.subject, tenantId: principal.platformAdmin ? null : principal.tenantId });

/** A member administers its tenant's key sets when it holds the admin or owner role in one of its teams. */
export function isTenantKeyAdmin(principal: AdminPrincipal): boolean {
  if (principal.platformAdmin) return true;
  return [...principal.teams.values()].some((role) => role === 'admin' || role === 'owner');
}

/** The set when the principal may see it; otherwise 404, exactly as if it did not exist. */
export function visibleSet(principal: AdminPrincipal, set: KeySetEntity | null, keySetId: string): KeySetEntity {
  if (!set || !(principal.platformAdmin || (set.tenantId !== null && set.tenantId === principal.tenantId))) throw notFound('key set', keySetId);
  return set;
}

/** Refuses changes by members who may only read. */
export function assertMayManage(principal: AdminPrincipal): void {
  if (!isTenantKeyAdmin(principal)) throw forbidden(`managing key sets needs the admin or owner role in a team of tenant ${principal.tenantId}`);
}

/**
 * The tenant a request acts on: a platform admin names it with `?tenant=` (or nothing for
 * the platform itself); anyone else acts on its own tenant and gets 404 for another one.
 */
export function targetTenant(principal: AdminPrincipal, requested: string | undefined): string | null {
  if (principal.platformAdmin) return requested === undefined || requested === 'platform' ? null : requested;
  if (requested !== undefined && requested !== principal.tenantId) throw notFound('tenant', requested);
  return principal.tenantId;
}

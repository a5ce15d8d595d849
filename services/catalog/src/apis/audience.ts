import { badRequest } from '@gatehouse/platform';

/** The default audience of an API: what clients ask tokens for unless the API names its own. */
export const defaultAudience = (tenantId: string, slug: string): string => `urn:gatehouse:api:${tenantId}:${slug}`;

/**
 * Refuses an audience in the platform's `urn:gatehouse:` namespace (its admin audience, every
 * tenant's default API audiences) unless it is one of the tenant's own defaults: otherwise an
 * API could ask for tokens meant for the platform, or take another tenant's default first.
 * URN namespace ids are case-insensitive, so the comparison is too.
 */
export function assertAudienceAllowed(audience: string, tenantId: string): void {
  const lower = audience.toLowerCase();
  if (!lower.startsWith('urn:gatehouse:') || lower.startsWith(defaultAudience(tenantId, '').toLowerCase())) return;
  throw badRequest(`audience ${audience} is in the platform's reserved urn:gatehouse: namespace; leave audience out for the default ${defaultAudience(tenantId, '<slug>')}`, { audience });
}

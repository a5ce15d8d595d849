import type { AdminPrincipal } from '@gatehouse/auth';
import { notFound } from '@gatehouse/platform';
import { isApiTeamMember } from '../common/access';
import type { ApiEntity } from '../apis/entities/api.entity';
import type { ApiVersionEntity } from './entities/api-version.entity';

/** Drafts are seen only by the owning team; released versions by whoever sees the API. */
export function canSeeVersion(principal: AdminPrincipal, api: ApiEntity, version: ApiVersionEntity): boolean {
  return version.state !== 'draft' || isApiTeamMember(principal, api);
}

export function visibleVersion(principal: AdminPrincipal, api: ApiEntity, version: ApiVersionEntity | null, label: string): ApiVersionEntity {
  if (!version || !canSeeVersion(principal, api, version)) throw notFound('version', label);
  return version;
}

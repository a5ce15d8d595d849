import type { ApiVersionEntity } from '../versions/entities/api-version.entity';
import type { ApiEntity } from './entities/api.entity';

export interface VersionSummary {
  version: string;
  state: ApiVersionEntity['state'];
  basePath: string;
  host: string | null;
  publishedAt: string | null;
  deprecatedAt: string | null;
  sunsetAt: string | null;
  retiredAt: string | null;
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function versionSummary(version: ApiVersionEntity): VersionSummary {
  return {
    version: version.version,
    state: version.state,
    basePath: version.basePath,
    host: version.host,
    publishedAt: iso(version.publishedAt),
    deprecatedAt: iso(version.deprecatedAt),
    sunsetAt: iso(version.sunsetAt),
    retiredAt: iso(version.retiredAt),
  };
}

export function apiView(api: ApiEntity, versions: ApiVersionEntity[] | undefined, options: { docs?: boolean } = {}) {
  return {
    id: api.id,
    tenantId: api.tenantId,
    teamId: api.teamId,
    name: api.name,
    slug: api.slug,
    kind: api.kind,
    description: api.description,
    ...(options.docs ? { docs: api.docs } : {}),
    tags: api.tags,
    visibility: api.visibility,
    audience: api.audience,
    requireEncryptedTokens: api.requireEncryptedTokens,
    autoApprove: api.autoApprove,
    scopes: api.scopes,
    createdAt: api.createdAt.toISOString(),
    updatedAt: api.updatedAt.toISOString(),
    ...(versions ? { versions: versions.map(versionSummary) } : {}),
  };
}

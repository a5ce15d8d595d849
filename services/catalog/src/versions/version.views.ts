import type { ApiVersionEntity } from './entities/api-version.entity';
import type { RouteEntity } from './entities/route.entity';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function versionView(version: ApiVersionEntity, routes: RouteEntity[]) {
  const info = (version.openapi?.info ?? {}) as { title?: unknown };
  return {
    id: version.id,
    apiId: version.apiId,
    version: version.version,
    kind: version.kind,
    state: version.state,
    basePath: version.basePath,
    host: version.host,
    upstream: version.upstream,
    auth: version.auth,
    maxBodyBytes: version.maxBodyBytes,
    planIds: version.planIds,
    openapi: version.openapi
      ? { openapi: version.openapiVersion, format: version.openapiFormat, sizeBytes: version.openapiSize, title: typeof info.title === 'string' ? info.title : null }
      : null,
    routesDeclared: version.routesDeclared,
    ...(version.kind === 'prompt' ? { prompt: version.prompt } : {}),
    routes: routes.map((route) => ({ id: route.id, path: route.path, template: route.template, methods: route.methods })),
    publishedAt: iso(version.publishedAt),
    deprecatedAt: iso(version.deprecatedAt),
    sunsetAt: iso(version.sunsetAt),
    retiredAt: iso(version.retiredAt),
    createdAt: version.createdAt.toISOString(),
    updatedAt: version.updatedAt.toISOString(),
  };
}

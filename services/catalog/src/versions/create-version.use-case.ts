import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '@gatehouse/auth';
import { ApiVersionTransitionedV1 } from '@gatehouse/contracts';
import { conflict } from '@gatehouse/platform';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ApisRepository } from '../apis/apis.repository';
import { actorOf, EDIT_ROLE, manageableApi } from '../common/access';
import { CatalogSettings } from '../common/catalog-settings';
import { Clock } from '../common/clock';
import { isUniqueViolation } from '../common/database-errors';
import { CatalogOutbox } from '../events/catalog-outbox';
import { normalizeBasePath } from '../openapi/path-template';
import { PlansRepository } from '../plans/plans.repository';
import type { VersionSurface } from '../ai/apis/ai-version-surface';
import type { CreateVersionInput } from './dto/version.dto';
import { ApiVersionEntity } from './entities/api-version.entity';
import { RouteEntity } from './entities/route.entity';
import { assertPlansOfApi } from './plan-offer';
import type { RouteDraft } from './route-derivation';
import { VersionDocumentService } from './version-document.service';
import { VersionsRepository } from './versions.repository';

export function routeEntities(version: ApiVersionEntity, drafts: RouteDraft[]): RouteEntity[] {
  return drafts.map((draft) =>
    Object.assign(new RouteEntity(), { id: randomUUID(), apiVersionId: version.id, apiId: version.apiId, tenantId: version.tenantId, kind: version.kind, ...draft }),
  );
}

@Injectable()
export class CreateVersionUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly apis: ApisRepository,
    private readonly versions: VersionsRepository,
    private readonly plans: PlansRepository,
    private readonly documents: VersionDocumentService,
    private readonly outbox: CatalogOutbox,
    private readonly settings: CatalogSettings,
    private readonly clock: Clock,
  ) {}

  /** `surface` carries the kind (and prompt) of `ai` and `prompt` versions; plain HTTP versions omit it. */
  async execute(
    principal: AdminPrincipal,
    apiId: string,
    input: CreateVersionInput,
    surface: VersionSurface = { kind: 'http', prompt: null },
  ): Promise<{ version: ApiVersionEntity; routes: RouteEntity[] }> {
    manageableApi(principal, await this.apis.findById(apiId), apiId, EDIT_ROLE);
    const imported = input.openapi === undefined ? null : await this.documents.import(input.openapi);
    const basePath = normalizeBasePath(input.basePath);
    const drafts = this.documents.routes(imported?.document ?? null, input.routes ?? null, basePath);
    try {
      return await this.dataSource.transaction(async (manager) => {
        const api = manageableApi(principal, await this.apis.lockById(apiId, manager), apiId, EDIT_ROLE);
        if (api.kind !== surface.kind) throw conflict(`API ${api.id} is of kind ${api.kind}; it cannot take a ${surface.kind} version`);
        if (await this.versions.findByLabel(api.id, input.version, manager)) throw conflict(`API ${api.id} already has a version ${input.version}`, { version: input.version });
        await assertPlansOfApi(this.plans, api.id, input.planIds, manager);
        const now = this.clock.now();
        const version = Object.assign(new ApiVersionEntity(), {
          id: randomUUID(),
          apiId: api.id,
          tenantId: api.tenantId,
          version: input.version,
          state: 'draft' as const,
          kind: surface.kind,
          prompt: surface.prompt,
          basePath,
          host: input.host,
          upstream: input.upstream,
          auth: input.auth,
          maxBodyBytes: input.maxBodyBytes ?? this.settings.routeDefaultMaxBodyBytes,
          planIds: input.planIds,
          openapi: imported?.document ?? null,
          openapiFormat: imported?.format ?? null,
          openapiSize: imported?.sizeBytes ?? null,
          openapiVersion: imported?.openapi ?? null,
          routesDeclared: input.routes !== undefined,
          publishedAt: null,
          deprecatedAt: null,
          sunsetAt: null,
          retiredAt: null,
          createdAt: now,
          updatedAt: now,
        });
        await this.versions.save(version, manager);
        const routes = routeEntities(version, drafts);
        await this.versions.replaceRoutes(version.id, routes, manager);
        await this.outbox.add(manager, ApiVersionTransitionedV1, {
          apiId: api.id,
          apiVersionId: version.id,
          tenantId: api.tenantId,
          version: version.version,
          from: null,
          to: 'draft',
          sunsetAt: null,
          by: actorOf(principal),
          at: now.toISOString(),
        });
        return { version, routes };
      });
    } catch (error) {
      if (isUniqueViolation(error, 'api_versions_api_version_uq')) throw conflict(`API ${apiId} already has a version ${input.version}`, { version: input.version });
      throw error;
    }
  }
}

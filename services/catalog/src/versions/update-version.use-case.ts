import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '@gatehouse/auth';
import { AppError, notFound } from '@gatehouse/platform';
import { DataSource } from 'typeorm';
import { ApisRepository } from '../apis/apis.repository';
import { EDIT_ROLE, MANAGE_ROLE, manageableApi } from '../common/access';
import { Clock } from '../common/clock';
import type { ImportedDocument } from '../openapi/document-import';
import { normalizeBasePath } from '../openapi/path-template';
import { PlansRepository } from '../plans/plans.repository';
import { routeEntities } from './create-version.use-case';
import type { PromptDefinition } from '../ai/apis/prompt-definition';
import type { UpdateVersionInput } from './dto/version.dto';
import type { ApiVersionEntity } from './entities/api-version.entity';
import type { RouteEntity } from './entities/route.entity';
import { assertPlansOfApi } from './plan-offer';
import { RoutePublisher } from './route-publisher';
import { VersionDocumentService } from './version-document.service';
import { VersionsRepository } from './versions.repository';

/** What may change once a version is routed: how the gateway reaches and protects it, not its surface. */
const OPERATIONAL_FIELDS = new Set(['upstream', 'auth', 'maxBodyBytes', 'planIds']);

@Injectable()
export class UpdateVersionUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly apis: ApisRepository,
    private readonly versions: VersionsRepository,
    private readonly plans: PlansRepository,
    private readonly documents: VersionDocumentService,
    private readonly routes: RoutePublisher,
    private readonly clock: Clock,
  ) {}

  /** `prompt` replaces the saved prompt of a draft `prompt` version (its document and routes come in `input`). */
  async execute(
    principal: AdminPrincipal,
    apiId: string,
    label: string,
    input: UpdateVersionInput,
    prompt: PromptDefinition | null = null,
  ): Promise<{ version: ApiVersionEntity; routes: RouteEntity[] }> {
    const api = manageableApi(principal, await this.apis.findById(apiId), apiId, EDIT_ROLE);
    const current = await this.versions.findByLabel(api.id, label);
    if (!current) throw notFound('version', label);
    this.assertChangeable(current, input);
    const imported: ImportedDocument | null = input.openapi === undefined ? null : await this.documents.import(input.openapi);

    return this.dataSource.transaction(async (manager) => {
      const locked = manageableApi(principal, await this.apis.lockById(apiId, manager), apiId, current.state === 'draft' ? EDIT_ROLE : MANAGE_ROLE);
      const version = await this.versions.lockByLabel(locked.id, label, manager);
      if (!version) throw notFound('version', label);
      this.assertChangeable(version, input);
      await assertPlansOfApi(this.plans, locked.id, input.planIds, manager);
      const now = this.clock.now();
      const { openapi: _document, routes: declared, basePath, ...rest } = input;
      Object.assign(version, rest, { updatedAt: now });
      if (prompt) version.prompt = prompt;
      if (basePath !== undefined) version.basePath = normalizeBasePath(basePath);
      if (imported) {
        Object.assign(version, { openapi: imported.document, openapiFormat: imported.format, openapiSize: imported.sizeBytes, openapiVersion: imported.openapi });
      }
      if (declared !== undefined) version.routesDeclared = declared !== null;
      let routes: RouteEntity[];
      if (version.state === 'draft' && (imported || declared !== undefined || basePath !== undefined)) {
        const keep = version.routesDeclared && declared === undefined ? (await this.versions.routesOf(version.id, manager)).map((route) => ({ path: route.template, methods: route.methods })) : null;
        const drafts = this.documents.routes(version.openapi, declared ?? keep, version.basePath);
        routes = routeEntities(version, drafts);
        await this.versions.replaceRoutes(version.id, routes, manager);
      } else {
        routes = await this.versions.routesOf(version.id, manager);
      }
      await this.versions.save(version, manager);
      await this.routes.publishVersion(manager, locked, version, now, routes);
      return { version, routes };
    });
  }

  private assertChangeable(version: ApiVersionEntity, input: UpdateVersionInput): void {
    if (version.state === 'retired') throw new AppError(409, 'version_retired', `version ${version.version} is retired and can no longer change`);
    if (version.state === 'draft') return;
    const frozen = Object.keys(input).filter((key) => !OPERATIONAL_FIELDS.has(key));
    if (frozen.length > 0) {
      throw new AppError(409, 'version_released', `version ${version.version} is ${version.state}: ${frozen.join(', ')} can no longer change (create a new version); only ${[...OPERATIONAL_FIELDS].join(', ')} can`, {
        fields: frozen,
      });
    }
  }
}

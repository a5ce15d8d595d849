import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '@gatehouse/auth';
import { AppError, notFound } from '@gatehouse/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { AiVersionSurface } from '../ai/apis/ai-version-surface';
import { ApisRepository } from '../apis/apis.repository';
import type { ApiEntity } from '../apis/entities/api.entity';
import { MANAGE_ROLE, manageableApi } from '../common/access';
import { Clock } from '../common/clock';
import { diffOpenApi, type DiffReport } from '../openapi/diff/openapi-diff';
import { PlansRepository } from '../plans/plans.repository';
import type { ApiVersionEntity } from './entities/api-version.entity';
import { allowedTransitions } from './lifecycle';
import { assertPlansOfApi } from './plan-offer';
import { describeCollisions, findCollisions, type RouteCollision } from './route-collisions';
import { VersionTransitions } from './version-transitions';
import { VersionsRepository } from './versions.repository';

export interface PublishReport {
  dryRun: boolean;
  version: string;
  state: ApiVersionEntity['state'];
  /** Version the report compares against, or null when nothing was released before. */
  against: string | null;
  diff: DiffReport | null;
  collisions: RouteCollision[];
  routes: Array<{ path: string; methods: string[] }>;
  /** Whether publishing would succeed now, and if not why. */
  publishable: boolean;
  problems: string[];
}

export interface PublishOptions {
  dryRun: boolean;
  against?: string;
  refuseBreaking: boolean;
}

@Injectable()
export class PublishVersionUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly apis: ApisRepository,
    private readonly versions: VersionsRepository,
    private readonly plans: PlansRepository,
    private readonly transitions: VersionTransitions,
    private readonly aiSurface: AiVersionSurface,
    private readonly clock: Clock,
  ) {}

  /**
   * Publishes a draft: refuses (409) a version with no routes, or whose routes collide with
   * routed ones (same host, method and path), listing them. The breaking-change report
   * against the newest released version comes back either way; a dry run only reports.
   * An `ai` or `prompt` version also needs a provider to reach (its routes carry their URLs).
   */
  async execute(principal: AdminPrincipal, apiId: string, label: string, options: PublishOptions): Promise<PublishReport> {
    if (options.dryRun) {
      return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
        const api = manageableApi(principal, await this.apis.findById(apiId, manager), apiId, MANAGE_ROLE);
        const version = await this.versions.findByLabel(api.id, label, manager);
        if (!version) throw notFound('version', label);
        return this.report(manager, api, version, options, true);
      });
    }
    return this.dataSource.transaction(async (manager) => {
      const locked = await this.transitions.lock(manager, principal, apiId, label, 'published');
      await this.versions.lockPublication(manager);
      const report = await this.report(manager, locked.api, locked.version, options, false);
      const now = this.clock.now();
      Object.assign(locked.version, { state: 'published', publishedAt: now });
      await this.transitions.commit(manager, principal, locked, 'draft', now);
      return { ...report, state: 'published' };
    });
  }

  private async report(manager: EntityManager, api: ApiEntity, version: ApiVersionEntity, options: PublishOptions, dryRun: boolean): Promise<PublishReport> {
    const routes = await this.versions.routesOf(version.id, manager);
    const base = await this.baseline(manager, api, version, options.against);
    const diff = base?.openapi && version.openapi ? diffOpenApi(base.openapi, version.openapi) : null;
    const routed = await this.versions.routedMatching([...new Set(routes.map((route) => route.normalizedPath))], version.host, version.id, manager);
    const collisions = findCollisions(routes, version.host, routed, api.tenantId);
    const failures: AppError[] = [];
    if (!allowedTransitions(version.state).includes('published')) {
      failures.push(new AppError(409, 'invalid_transition', `version ${version.version} is ${version.state} and cannot move to published`, { from: version.state, to: 'published', allowed: [...allowedTransitions(version.state)] }));
    }
    if (routes.length === 0) failures.push(new AppError(409, 'no_routes', `version ${version.version} has no routes: its document has no paths and none were declared`));
    try {
      await assertPlansOfApi(this.plans, api.id, version.planIds, manager);
    } catch (error) {
      failures.push(error as AppError);
    }
    const ai = await this.aiSurface.upstreamAtPublication(manager, version);
    failures.push(...ai.problems);
    if (!dryRun && ai.upstream) version.upstream = ai.upstream;
    if (collisions.length > 0) {
      failures.push(new AppError(409, 'route_collision', `version ${version.version} cannot be published: ${describeCollisions(collisions)}`, { collisions }));
    }
    if (options.refuseBreaking && diff && diff.breaking.length > 0) {
      failures.push(new AppError(409, 'breaking_changes', `version ${version.version} has ${diff.breaking.length} breaking change(s) against ${base!.version}: ${diff.breaking[0]!.message}`, { diff }));
    }
    if (!dryRun && failures.length > 0) throw failures[0];
    return {
      dryRun,
      version: version.version,
      state: version.state,
      against: base?.version ?? null,
      diff,
      collisions,
      routes: routes.map((route) => ({ path: route.path, methods: route.methods })),
      publishable: failures.length === 0,
      problems: failures.map((failure) => failure.message),
    };
  }

  private async baseline(manager: EntityManager, api: ApiEntity, version: ApiVersionEntity, against: string | undefined): Promise<ApiVersionEntity | null> {
    if (against === undefined) return this.versions.latestReleased(api.id, version.id, manager);
    const base = await this.versions.findByLabel(api.id, against, manager);
    if (!base) throw notFound('version', against);
    return base;
  }
}

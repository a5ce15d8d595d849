import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, In } from 'typeorm';
import type { RoutedRoute } from './route-collisions';
import { ApiVersionEntity } from './entities/api-version.entity';
import { RouteEntity } from './entities/route.entity';

@Injectable()
export class VersionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  findByLabel(apiId: string, version: string, manager: EntityManager = this.dataSource.manager): Promise<ApiVersionEntity | null> {
    return manager.findOne(ApiVersionEntity, { where: { apiId, version } });
  }

  lockByLabel(apiId: string, version: string, manager: EntityManager): Promise<ApiVersionEntity | null> {
    return manager.findOne(ApiVersionEntity, { where: { apiId, version }, lock: { mode: 'pessimistic_write' } });
  }

  listOfApi(apiId: string, manager: EntityManager = this.dataSource.manager): Promise<ApiVersionEntity[]> {
    return manager.find(ApiVersionEntity, { where: { apiId }, order: { createdAt: 'ASC' } });
  }

  /** Versions of several APIs, without their documents (for listings). */
  summariesOf(apiIds: string[]): Promise<ApiVersionEntity[]> {
    if (apiIds.length === 0) return Promise.resolve([]);
    return this.dataSource.manager.find(ApiVersionEntity, {
      where: { apiId: In(apiIds) },
      select: ['id', 'apiId', 'version', 'state', 'basePath', 'host', 'publishedAt', 'deprecatedAt', 'sunsetAt', 'retiredAt', 'createdAt'],
      order: { createdAt: 'ASC' },
    });
  }

  /** The newest published or deprecated version other than `excludeId`. */
  latestReleased(apiId: string, excludeId: string, manager: EntityManager = this.dataSource.manager): Promise<ApiVersionEntity | null> {
    return manager
      .createQueryBuilder(ApiVersionEntity, 'v')
      .where('v.api_id = :apiId and v.id <> :excludeId', { apiId, excludeId })
      .andWhere(`v.state in ('published', 'deprecated')`)
      .orderBy('v.published_at', 'DESC')
      .getOne();
  }

  save(version: ApiVersionEntity, manager: EntityManager): Promise<ApiVersionEntity> {
    return manager.save(ApiVersionEntity, version);
  }

  async delete(id: string, manager: EntityManager): Promise<void> {
    await manager.delete(ApiVersionEntity, { id });
  }

  routesOf(versionId: string, manager: EntityManager = this.dataSource.manager): Promise<RouteEntity[]> {
    return manager.find(RouteEntity, { where: { apiVersionId: versionId }, order: { path: 'ASC' } });
  }

  routesOfApi(apiId: string, manager: EntityManager): Promise<RouteEntity[]> {
    return manager.find(RouteEntity, { where: { apiId }, order: { path: 'ASC' } });
  }

  async replaceRoutes(versionId: string, routes: RouteEntity[], manager: EntityManager): Promise<void> {
    await manager.delete(RouteEntity, { apiVersionId: versionId });
    for (let index = 0; index < routes.length; index += 500) await manager.insert(RouteEntity, routes.slice(index, index + 500));
  }

  /**
   * Routes of published or deprecated versions (every tenant: the gateway routes them all
   * on one data plane) on `host` whose normalized path is one of `normalizedPaths`.
   */
  async routedMatching(normalizedPaths: string[], host: string | null, excludeVersionId: string, manager: EntityManager): Promise<RoutedRoute[]> {
    if (normalizedPaths.length === 0) return [];
    const s = this.schema;
    const rows = (await manager.query(
      `select r.id, r.tenant_id, r.api_id, a.name as api_name, v.version, v.host, r.path, r.normalized_path, r.methods
         from "${s}"."routes" r
         join "${s}"."api_versions" v on v.id = r.api_version_id
         join "${s}"."apis" a on a.id = r.api_id
        where v.state in ('published', 'deprecated') and v.id <> $1
          and coalesce(v.host, '') = coalesce($2, '') and r.normalized_path = any($3)`,
      [excludeVersionId, host, normalizedPaths],
    )) as Array<Record<string, unknown>>;
    return rows.map((row) => ({
      routeId: String(row.id),
      tenantId: String(row.tenant_id),
      apiId: String(row.api_id),
      apiName: String(row.api_name),
      version: String(row.version),
      host: (row.host as string | null) ?? null,
      path: String(row.path),
      normalizedPath: String(row.normalized_path),
      methods: row.methods as RoutedRoute['methods'],
    }));
  }

  /** Serializes publications platform-wide so two colliding versions cannot both pass the check. */
  async lockPublication(manager: EntityManager): Promise<void> {
    await manager.query(`select pg_advisory_xact_lock(hashtext($1))`, [`gatehouse:catalog:publish:${this.schema}`]);
  }

  private get schema(): string {
    return (this.dataSource.options as { schema: string }).schema;
  }
}


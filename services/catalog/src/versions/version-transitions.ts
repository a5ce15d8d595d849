import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '@gatehouse/auth';
import { ApiStateV1, ApiVersionTransitionedV1, type VersionState } from '@gatehouse/contracts';
import { notFound } from '@gatehouse/platform';
import type { EntityManager } from 'typeorm';
import type { ApiEntity } from '../apis/entities/api.entity';
import { ApisRepository } from '../apis/apis.repository';
import { actorOf, MANAGE_ROLE, manageableApi } from '../common/access';
import { CatalogOutbox } from '../events/catalog-outbox';
import { apiState } from '../events/state-payloads';
import type { ApiVersionEntity } from './entities/api-version.entity';
import type { RouteEntity } from './entities/route.entity';
import { assertTransition } from './lifecycle';
import { RoutePublisher } from './route-publisher';
import { VersionsRepository } from './versions.repository';

export interface LockedVersion {
  api: ApiEntity;
  version: ApiVersionEntity;
}

/** Shared steps of every lifecycle transition: lock, check, and stage the events with the change. */
@Injectable()
export class VersionTransitions {
  constructor(
    private readonly apis: ApisRepository,
    private readonly versions: VersionsRepository,
    private readonly routes: RoutePublisher,
    private readonly outbox: CatalogOutbox,
  ) {}

  async lock(manager: EntityManager, principal: AdminPrincipal, apiId: string, label: string, to: VersionState): Promise<LockedVersion> {
    const api = manageableApi(principal, await this.apis.lockById(apiId, manager), apiId, MANAGE_ROLE);
    const version = await this.versions.lockByLabel(api.id, label, manager);
    if (!version) throw notFound('version', label);
    assertTransition(version.version, version.state, to);
    return { api, version };
  }

  /** Saves the new state and stages ApiVersionTransitionedV1, every RouteStateV1 and ApiStateV1 in the same transaction. */
  async commit(manager: EntityManager, principal: AdminPrincipal, { api, version }: LockedVersion, from: VersionState, at: Date): Promise<RouteEntity[]> {
    version.updatedAt = at;
    await this.versions.save(version, manager);
    await this.outbox.add(manager, ApiVersionTransitionedV1, {
      apiId: api.id,
      apiVersionId: version.id,
      tenantId: api.tenantId,
      version: version.version,
      from,
      to: version.state,
      sunsetAt: version.sunsetAt ? version.sunsetAt.toISOString() : null,
      by: actorOf(principal),
      at: at.toISOString(),
    });
    const routes = await this.versions.routesOf(version.id, manager);
    await this.routes.publishVersion(manager, api, version, at, routes);
    await this.outbox.add(manager, ApiStateV1, apiState(api));
    return routes;
  }
}

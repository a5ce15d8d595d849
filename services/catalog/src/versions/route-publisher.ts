import { Injectable } from '@nestjs/common';
import { PromptStateV1, RouteStateV1 } from '@gatehouse/contracts';
import type { EntityManager } from 'typeorm';
import type { ApiEntity } from '../apis/entities/api.entity';
import { CatalogOutbox } from '../events/catalog-outbox';
import { promptState } from '../ai/common/ai-state';
import { routeState } from '../events/state-payloads';
import type { ApiVersionEntity } from './entities/api-version.entity';
import type { RouteEntity } from './entities/route.entity';
import { VersionsRepository } from './versions.repository';

/** Stages the full RouteStateV1 of routes (and PromptStateV1 of prompt routes), or their tombstones, in the caller's transaction. */
@Injectable()
export class RoutePublisher {
  constructor(
    private readonly versions: VersionsRepository,
    private readonly outbox: CatalogOutbox,
  ) {}

  async publishVersion(manager: EntityManager, api: ApiEntity, version: ApiVersionEntity, at: Date, routes?: RouteEntity[]): Promise<number> {
    if (version.state === 'draft') return 0;
    const list = routes ?? (await this.versions.routesOf(version.id, manager));
    for (const route of list) {
      await this.outbox.add(manager, RouteStateV1, routeState(route, version, api, at));
      if (route.kind === 'prompt') await this.outbox.add(manager, PromptStateV1, promptState(route, version, at));
    }
    return list.length;
  }

  /** Re-publishes every routed version of the API (after a change routes carry, e.g. its name or audience). */
  async publishApi(manager: EntityManager, api: ApiEntity, at: Date): Promise<void> {
    for (const version of await this.versions.listOfApi(api.id, manager)) await this.publishVersion(manager, api, version, at);
  }

  async tombstone(manager: EntityManager, routes: RouteEntity[]): Promise<void> {
    for (const route of routes) {
      await this.outbox.tombstone(manager, RouteStateV1, route.id);
      if (route.kind === 'prompt') await this.outbox.tombstone(manager, PromptStateV1, `prompt:${route.id}`);
    }
  }
}

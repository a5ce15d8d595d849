import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '@gatehouse/auth';
import { DataSource, type EntityManager } from 'typeorm';
import type { SearchApisInput } from './dto/api.dto';
import { ApiEntity } from './entities/api.entity';

export interface ApiSearchResult {
  items: ApiEntity[];
  total: number;
}

@Injectable()
export class ApisRepository {
  constructor(private readonly dataSource: DataSource) {}

  findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<ApiEntity | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return manager.findOne(ApiEntity, { where: { id } });
  }

  /** Locks the API row for the rest of the transaction, so changes to one API are serialized. */
  lockById(id: string, manager: EntityManager): Promise<ApiEntity | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return manager.findOne(ApiEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  findBySlug(tenantId: string, slug: string, manager: EntityManager = this.dataSource.manager): Promise<ApiEntity | null> {
    return manager.findOne(ApiEntity, { where: { tenantId, slug } });
  }

  findByAudience(audience: string, manager: EntityManager = this.dataSource.manager): Promise<ApiEntity | null> {
    return manager.findOne(ApiEntity, { where: { audience } });
  }

  save(api: ApiEntity, manager: EntityManager): Promise<ApiEntity> {
    return manager.save(ApiEntity, api);
  }

  async delete(id: string, manager: EntityManager): Promise<void> {
    await manager.delete(ApiEntity, { id });
  }

  /** APIs matching the filters that the principal may see, newest first. */
  async search(principal: AdminPrincipal, tenant: string | null, filter: SearchApisInput): Promise<ApiSearchResult> {
    const query = this.dataSource.manager.createQueryBuilder(ApiEntity, 'api');
    if (!principal.platformAdmin) {
      query.andWhere(
        `(api.visibility = 'public' or (api.tenant_id = :principalTenant and (api.visibility = 'tenant' or api.team_id = any(:principalTeams))))`,
        { principalTenant: principal.tenantId, principalTeams: [...principal.teams.keys()] },
      );
    }
    if (tenant !== null) query.andWhere('api.tenant_id = :tenant', { tenant });
    if (filter.q) {
      query.andWhere(`(api.search @@ websearch_to_tsquery('simple', :q) or api.name ilike :like or api.description ilike :like or exists (select 1 from unnest(api.tags) tag where tag ilike :like))`, {
        q: filter.q,
        like: `%${escapeLike(filter.q)}%`,
      });
    }
    if (filter.tag) query.andWhere(':tag = any(api.tags)', { tag: filter.tag });
    if (filter.teamId) query.andWhere('api.team_id = :teamId', { teamId: filter.teamId });
    if (filter.visibility) query.andWhere('api.visibility = :visibility', { visibility: filter.visibility });
    if (filter.state) {
      query.andWhere(`exists (select 1 from "${this.schema}"."api_versions" v where v.api_id = api.id and v.state = :state)`, { state: filter.state });
      // Drafts are seen by the owning team only, so only its APIs can match on one.
      if (filter.state === 'draft' && !principal.platformAdmin) {
        query.andWhere('api.tenant_id = :principalTenant and api.team_id = any(:principalTeams)', { principalTenant: principal.tenantId, principalTeams: [...principal.teams.keys()] });
      }
    }
    if (filter.q) {
      query.orderBy(`ts_rank(api.search, websearch_to_tsquery('simple', :q))`, 'DESC').addOrderBy('api.created_at', 'DESC');
    } else {
      query.orderBy('api.created_at', 'DESC');
    }
    query.addOrderBy('api.id', 'ASC').skip(filter.offset).take(filter.limit);
    const [items, total] = await query.getManyAndCount();
    return { items, total };
  }

  private get schema(): string {
    return (this.dataSource.options as { schema: string }).schema;
  }
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string) => uuidPattern.test(value);
const escapeLike = (value: string) => value.replace(/[\\%_]/g, (char) => `\\${char}`);

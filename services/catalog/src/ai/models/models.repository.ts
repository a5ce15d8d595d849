import { Injectable } from '@nestjs/common';
import { isUuid } from '../../apis/apis.repository';
import { shareLock } from '../common/share-lock';
import { DataSource, type EntityManager, In } from 'typeorm';
import { AiModelEntity } from './ai-model.entity';

/** A prompt version that names a model. */
export interface PromptUse {
  apiId: string;
  version: string;
  state: string;
}

@Injectable()
export class ModelsRepository {
  constructor(private readonly dataSource: DataSource) {}

  findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<AiModelEntity | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return manager.findOne(AiModelEntity, { where: { id } });
  }

  lockById(id: string, manager: EntityManager): Promise<AiModelEntity | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return manager.findOne(AiModelEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  findByName(tenantId: string, name: string, manager: EntityManager = this.dataSource.manager): Promise<AiModelEntity | null> {
    return manager.findOne(AiModelEntity, { where: { tenantId, name } });
  }

  /** Models of a tenant among `ids`, locked against deletion until the transaction ends (when there is one). */
  shareMany(tenantId: string, ids: string[], manager: EntityManager): Promise<AiModelEntity[]> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return Promise.resolve([]);
    return manager.find(AiModelEntity, { where: { tenantId, id: In(valid) }, ...shareLock(manager) });
  }

  listOf(tenantId: string | null, manager: EntityManager = this.dataSource.manager): Promise<AiModelEntity[]> {
    return manager.find(AiModelEntity, { where: tenantId === null ? {} : { tenantId }, order: { tenantId: 'ASC', name: 'ASC' } });
  }

  ofProvider(providerId: string, manager: EntityManager): Promise<AiModelEntity[]> {
    return manager.find(AiModelEntity, { where: { providerId }, order: { name: 'ASC' } });
  }

  save(model: AiModelEntity, manager: EntityManager): Promise<AiModelEntity> {
    return manager.save(AiModelEntity, model);
  }

  async delete(id: string, manager: EntityManager): Promise<void> {
    await manager.delete(AiModelEntity, { id });
  }

  /** Prompt versions of the tenant that are not retired and ask for `name`. */
  async promptsUsing(tenantId: string, name: string, manager: EntityManager): Promise<PromptUse[]> {
    const rows = (await manager.query(
      `select api_id, version, state from "${this.schema}"."api_versions"
        where tenant_id = $1 and kind = 'prompt' and state <> 'retired' and prompt ->> 'model' = $2 order by created_at`,
      [tenantId, name],
    )) as Array<{ api_id: string; version: string; state: string }>;
    return rows.map((row) => ({ apiId: row.api_id, version: row.version, state: row.state }));
  }

  private get schema(): string {
    return (this.dataSource.options as { schema: string }).schema;
  }
}

import { Injectable } from '@nestjs/common';
import { isUuid } from '../../apis/apis.repository';
import { shareLock } from '../common/share-lock';
import { DataSource, type EntityManager, In } from 'typeorm';
import { AiProviderEntity } from './ai-provider.entity';

@Injectable()
export class ProvidersRepository {
  constructor(private readonly dataSource: DataSource) {}

  findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<AiProviderEntity | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return manager.findOne(AiProviderEntity, { where: { id } });
  }

  lockById(id: string, manager: EntityManager): Promise<AiProviderEntity | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return manager.findOne(AiProviderEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** Providers of a tenant among `ids`, locked against deletion until the transaction ends (when there is one). */
  shareMany(tenantId: string, ids: string[], manager: EntityManager): Promise<AiProviderEntity[]> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return Promise.resolve([]);
    return manager.find(AiProviderEntity, { where: { tenantId, id: In(valid) }, ...shareLock(manager) });
  }

  async nameTaken(tenantId: string, name: string, exceptId: string | null, manager: EntityManager): Promise<boolean> {
    const rows = (await manager.query(`select id from "${this.schema}"."ai_providers" where tenant_id = $1 and lower(name) = lower($2)`, [tenantId, name])) as Array<{ id: string }>;
    return rows.some((row) => row.id !== exceptId);
  }

  listOf(tenantId: string | null, manager: EntityManager = this.dataSource.manager): Promise<AiProviderEntity[]> {
    return manager.find(AiProviderEntity, { where: tenantId === null ? {} : { tenantId }, order: { tenantId: 'ASC', name: 'ASC' } });
  }

  save(provider: AiProviderEntity, manager: EntityManager): Promise<AiProviderEntity> {
    return manager.save(AiProviderEntity, provider);
  }

  async delete(id: string, manager: EntityManager): Promise<void> {
    await manager.delete(AiProviderEntity, { id });
  }

  /** How many stored credentials each master key wraps. */
  async masterKeyUsage(): Promise<Array<{ masterKeyId: string; credentials: number }>> {
    const rows = (await this.dataSource.query(
      `select credential_key_id as id, count(*)::int as n from "${this.schema}"."ai_providers" where credential_key_id is not null group by credential_key_id order by credential_key_id`,
    )) as Array<{ id: string; n: number }>;
    return rows.map((row) => ({ masterKeyId: row.id, credentials: row.n }));
  }

  /** Providers whose credential is wrapped under another master key than `current`, locked. */
  lockWrappedUnderOther(current: string, manager: EntityManager): Promise<AiProviderEntity[]> {
    return manager
      .createQueryBuilder(AiProviderEntity, 'p')
      .where('p.credential_key_id is not null and p.credential_key_id <> :current', { current })
      .setLock('pessimistic_write')
      .getMany();
  }

  /** Providers whose last published state was wrapped under another transport secret. */
  publishedUnderOther(transportSecretId: string, manager: EntityManager): Promise<AiProviderEntity[]> {
    return manager
      .createQueryBuilder(AiProviderEntity, 'p')
      .where('p.credential_key_id is not null and p.transport_secret_id is distinct from :id', { id: transportSecretId })
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
  }

  private get schema(): string {
    return (this.dataSource.options as { schema: string }).schema;
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import { ApiKey } from './entities/api-key.entity';

@Injectable()
export class ApiKeysRepository {
  constructor(private readonly dataSource: DataSource) {}

  listOf(applicationId: string): Promise<ApiKey[]> {
    return this.dataSource.manager.find(ApiKey, { where: { applicationId }, order: { createdAt: 'ASC' } });
  }

  liveOf(manager: EntityManager, applicationId: string): Promise<ApiKey[]> {
    return manager.findBy(ApiKey, { applicationId, revokedAt: IsNull() });
  }

  find(applicationId: string, id: string, manager: EntityManager = this.dataSource.manager): Promise<ApiKey | null> {
    return manager.findOneBy(ApiKey, { applicationId, id });
  }

  async insert(manager: EntityManager, key: ApiKey): Promise<void> {
    await manager.insert(ApiKey, key);
  }

  async revoke(manager: EntityManager, id: string, at: Date): Promise<void> {
    await manager.update(ApiKey, { id, revokedAt: IsNull() }, { revokedAt: at });
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Tenant } from './entities/tenant.entity';

@Injectable()
export class TenantsRepository {
  constructor(private readonly dataSource: DataSource) {}

  find(id: string, manager: EntityManager = this.dataSource.manager): Promise<Tenant | null> {
    return manager.findOneBy(Tenant, { id });
  }

  list(ids: readonly string[] | null): Promise<Tenant[]> {
    const query = this.dataSource.manager.createQueryBuilder(Tenant, 'tenant').orderBy('tenant.created_at', 'ASC');
    if (ids !== null) query.where('tenant.id = any(:ids)', { ids });
    return query.getMany();
  }

  /** Inserts unless the id exists; true when inserted. */
  async insertIfAbsent(manager: EntityManager, tenant: Tenant): Promise<boolean> {
    const schema = (manager.connection.options as { schema: string }).schema;
    const rows = (await manager.query(
      `insert into "${schema}"."tenants" ("id", "name", "status", "created_at", "updated_at") values ($1, $2, $3, $4, $5) on conflict ("id") do nothing returning "id"`,
      [tenant.id, tenant.name, tenant.status, tenant.createdAt, tenant.updatedAt],
    )) as unknown[];
    return rows.length > 0;
  }

  async save(manager: EntityManager, tenant: Tenant): Promise<void> {
    await manager.save(Tenant, tenant);
  }
}

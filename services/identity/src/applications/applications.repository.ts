import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, Not } from 'typeorm';
import { Tenant, type TenantStatus } from '../tenants/entities/tenant.entity';
import { Application } from './entities/application.entity';

@Injectable()
export class ApplicationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findWithTenantStatus(id: string): Promise<{ application: Application; tenantStatus: TenantStatus } | null> {
    const application = await this.dataSource.manager.findOneBy(Application, { id });
    if (!application) return null;
    const tenant = await this.dataSource.manager.findOneBy(Tenant, { id: application.tenantId });
    return { application, tenantStatus: tenant?.status ?? 'suspended' };
  }

  /** A live (not deleted) application of the tenant. */
  find(tenantId: string, id: string, manager: EntityManager = this.dataSource.manager): Promise<Application | null> {
    return manager.findOneBy(Application, { tenantId, id, status: Not('deleted') });
  }

  /** Same, locked for the rest of the transaction. */
  findForUpdate(manager: EntityManager, tenantId: string, id: string): Promise<Application | null> {
    return manager
      .createQueryBuilder(Application, 'app')
      .setLock('pessimistic_write')
      .where('app.tenant_id = :tenantId and app.id = :id and app.status <> :deleted', { tenantId, id, deleted: 'deleted' })
      .getOne();
  }

  list(tenantId: string, teamIds: readonly string[] | null): Promise<Application[]> {
    const query = this.dataSource.manager
      .createQueryBuilder(Application, 'app')
      .where('app.tenant_id = :tenantId and app.status <> :deleted', { tenantId, deleted: 'deleted' })
      .orderBy('app.created_at', 'ASC');
    if (teamIds !== null) query.andWhere('app.team_id = any(:teamIds)', { teamIds });
    return query.getMany();
  }

  async countLiveOfTeam(manager: EntityManager, teamId: string): Promise<number> {
    return manager.countBy(Application, { teamId, status: Not('deleted') });
  }

  async save(manager: EntityManager, application: Application): Promise<void> {
    await manager.save(Application, application);
  }
}

import { Injectable } from '@nestjs/common';
import type { ApiStateV1, ApplicationStateV1, EventData, PlanStateV1, SubscriptionStateV1 } from '@gatehouse/contracts';
import { DataSource } from 'typeorm';
import { schemaName } from '../database/schema-name';

export interface Ownership {
  tenantId: string;
  teamId: string;
}

/**
 * Local copies of the identity and catalog facts metering needs: which team owns which
 * application and API, and plans and subscriptions for quotas. Each row keeps the newest
 * `updatedAt` seen, so replicas replaying the state topics never move a row backwards.
 */
@Injectable()
export class DirectoryRepository {
  private readonly schema: string;

  constructor(private readonly dataSource: DataSource) {
    this.schema = schemaName(dataSource);
  }

  async putApplication(data: EventData<typeof ApplicationStateV1>): Promise<void> {
    await this.upsert('applications', 'application_id', ['application_id', 'tenant_id', 'team_id', 'name', 'updated_at'], [data.applicationId, data.tenantId, data.teamId, data.name, data.updatedAt]);
  }

  async putApi(data: EventData<typeof ApiStateV1>): Promise<void> {
    await this.upsert('apis', 'api_id', ['api_id', 'tenant_id', 'team_id', 'name', 'updated_at'], [data.apiId, data.tenantId, data.teamId, data.name, data.updatedAt]);
  }

  async putPlan(data: EventData<typeof PlanStateV1>): Promise<void> {
    await this.upsert('plans', 'plan_id', ['plan_id', 'tenant_id', 'api_id', 'quotas', 'currency', 'updated_at'], [data.planId, data.tenantId, data.apiId, JSON.stringify(data.quotas), data.currency, data.updatedAt]);
  }

  async putSubscription(data: EventData<typeof SubscriptionStateV1>): Promise<void> {
    await this.upsert(
      'subscriptions',
      'subscription_id',
      ['subscription_id', 'tenant_id', 'application_id', 'api_id', 'plan_id', 'status', 'updated_at'],
      [data.subscriptionId, data.tenantId, data.applicationId, data.apiId, data.planId, data.status, data.updatedAt],
    );
  }

  async remove(table: 'applications' | 'apis' | 'plans' | 'subscriptions', id: string): Promise<void> {
    const column = { applications: 'application_id', apis: 'api_id', plans: 'plan_id', subscriptions: 'subscription_id' }[table];
    await this.dataSource.query(`delete from "${this.schema}"."${table}" where "${column}" = $1`, [id]);
  }

  /** Applications of the given teams of a tenant. */
  async applicationsOfTeams(tenantId: string, teamIds: readonly string[]): Promise<string[]> {
    return this.idsOfTeams('applications', 'application_id', tenantId, teamIds);
  }

  /** APIs of the given teams of a tenant. */
  async apisOfTeams(tenantId: string, teamIds: readonly string[]): Promise<string[]> {
    return this.idsOfTeams('apis', 'api_id', tenantId, teamIds);
  }

  async application(applicationId: string): Promise<Ownership | null> {
    return this.owner('applications', 'application_id', applicationId);
  }

  async api(apiId: string): Promise<Ownership | null> {
    return this.owner('apis', 'api_id', apiId);
  }

  private async idsOfTeams(table: string, column: string, tenantId: string, teamIds: readonly string[]): Promise<string[]> {
    if (teamIds.length === 0) return [];
    const rows = (await this.dataSource.query(`select "${column}" as id from "${this.schema}"."${table}" where "tenant_id" = $1 and "team_id" = any($2::text[])`, [
      tenantId,
      teamIds,
    ])) as Array<{ id: string }>;
    return rows.map((row) => row.id);
  }

  private async owner(table: string, column: string, id: string): Promise<Ownership | null> {
    const rows = (await this.dataSource.query(`select "tenant_id", "team_id" from "${this.schema}"."${table}" where "${column}" = $1`, [id])) as Array<{
      tenant_id: string;
      team_id: string;
    }>;
    return rows.length === 0 ? null : { tenantId: rows[0]!.tenant_id, teamId: rows[0]!.team_id };
  }

  private async upsert(table: string, key: string, columns: readonly string[], values: readonly unknown[]): Promise<void> {
    const placeholders = columns.map((_, index) => `$${index + 1}`);
    const updates = columns.filter((column) => column !== key).map((column) => `"${column}" = excluded."${column}"`);
    await this.dataSource.query(
      `insert into "${this.schema}"."${table}" (${columns.map((column) => `"${column}"`).join(', ')}) values (${placeholders.join(', ')})
       on conflict ("${key}") do update set ${updates.join(', ')} where "${table}"."updated_at" <= excluded."updated_at"`,
      [...values],
    );
  }
}

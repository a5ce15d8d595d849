import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ApplicationEntity } from './entities/application.entity';
import { TeamEntity } from './entities/team.entity';

/** Teams and applications as identity announced them. */
@Injectable()
export class DirectoryRepository {
  constructor(private readonly dataSource: DataSource) {}

  findTeam(id: string, manager: EntityManager = this.dataSource.manager): Promise<TeamEntity | null> {
    return manager.findOne(TeamEntity, { where: { id } });
  }

  findApplication(id: string, manager: EntityManager = this.dataSource.manager): Promise<ApplicationEntity | null> {
    return manager.findOne(ApplicationEntity, { where: { id } });
  }

  /** Applies a newer team record; an older one (by `changedAt`) is ignored. */
  async upsertTeam(team: TeamEntity, manager: EntityManager): Promise<void> {
    await manager.query(
      `insert into "${this.schema}"."teams" ("id", "tenant_id", "name", "status", "changed_at") values ($1, $2, $3, $4, $5)
       on conflict ("id") do update set "tenant_id" = excluded."tenant_id", "name" = excluded."name", "status" = excluded."status", "changed_at" = excluded."changed_at"
       where "teams"."changed_at" <= excluded."changed_at"`,
      [team.id, team.tenantId, team.name, team.status, team.changedAt],
    );
  }

  /** Applies a newer application record; returns the stored state after the write. */
  async upsertApplication(application: ApplicationEntity, manager: EntityManager): Promise<ApplicationEntity | null> {
    await manager.query(
      `insert into "${this.schema}"."applications" ("id", "tenant_id", "team_id", "name", "status", "changed_at") values ($1, $2, $3, $4, $5, $6)
       on conflict ("id") do update set "tenant_id" = excluded."tenant_id", "team_id" = excluded."team_id", "name" = excluded."name", "status" = excluded."status", "changed_at" = excluded."changed_at"
       where "applications"."changed_at" <= excluded."changed_at"`,
      [application.id, application.tenantId, application.teamId, application.name, application.status, application.changedAt],
    );
    return this.findApplication(application.id, manager);
  }

  async markApplicationDeleted(id: string, at: Date, manager: EntityManager): Promise<ApplicationEntity | null> {
    await manager.query(`update "${this.schema}"."applications" set "status" = 'deleted', "changed_at" = greatest("changed_at", $2) where "id" = $1`, [id, at]);
    return this.findApplication(id, manager);
  }

  private get schema(): string {
    return (this.dataSource.options as { schema: string }).schema;
  }
}

import { Injectable } from '@nestjs/common';
import type { AdminPrincipal, TeamRole } from '@gatehouse/auth';
import { notFound } from '@gatehouse/platform';
import { DataSource } from 'typeorm';
import { assertTeamRole } from '../common/access';
import { Clock } from '../common/clock';
import { newId } from '../common/random';
import { ClientRegistry } from '../credentials/client-registry';
import { TeamsRepository } from '../teams/teams.repository';
import { TenantsService } from '../tenants/tenants.service';
import { stageApplicationEvents } from './application-events';
import { ApplicationsRepository } from './applications.repository';
import type { CreateApplication, UpdateApplication } from './dto/application.dto';
import { Application } from './entities/application.entity';

/** Applications (OAuth clients) owned by a team: developers create them, admins change them. */
@Injectable()
export class ApplicationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly applications: ApplicationsRepository,
    private readonly teams: TeamsRepository,
    private readonly tenants: TenantsService,
    private readonly clients: ClientRegistry,
    private readonly clock: Clock,
  ) {}

  /** The application, visible to the principal, with at least `role` in its team. */
  async authorized(principal: AdminPrincipal, tenantId: string, applicationId: string, role: TeamRole, action: string): Promise<Application> {
    await this.tenants.visible(principal, tenantId);
    const application = await this.applications.find(tenantId, applicationId);
    if (!application) throw notFound('application', applicationId);
    assertTeamRole(principal, application.teamId, role, action);
    return application;
  }

  async list(principal: AdminPrincipal, tenantId: string): Promise<Application[]> {
    await this.tenants.visible(principal, tenantId);
    return this.applications.list(tenantId, principal.platformAdmin ? null : [...principal.teams.keys()]);
  }

  async create(principal: AdminPrincipal, tenantId: string, input: CreateApplication): Promise<Application> {
    await this.tenants.visible(principal, tenantId);
    if (!(await this.teams.find(tenantId, input.teamId))) throw notFound('team', input.teamId);
    assertTeamRole(principal, input.teamId, 'developer', 'creating an application');
    const now = this.clock.date();
    const application = Object.assign(new Application(), {
      id: newId(),
      tenantId,
      teamId: input.teamId,
      name: input.name,
      status: 'active',
      requireEncryptedTokens: input.requireEncryptedTokens,
      allowedScopes: input.allowedScopes,
      createdAt: now,
      updatedAt: now,
    });
    await this.dataSource.transaction(async (manager) => {
      await this.applications.save(manager, application);
      await stageApplicationEvents(manager, application, 'created');
    });
    return application;
  }

  async update(principal: AdminPrincipal, tenantId: string, applicationId: string, input: UpdateApplication): Promise<Application> {
    await this.authorized(principal, tenantId, applicationId, 'admin', 'changing an application');
    const application = await this.dataSource.transaction(async (manager) => {
      const current = await this.applications.findForUpdate(manager, tenantId, applicationId);
      if (!current) throw notFound('application', applicationId);
      Object.assign(current, {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.requireEncryptedTokens !== undefined ? { requireEncryptedTokens: input.requireEncryptedTokens } : {}),
        ...(input.allowedScopes !== undefined ? { allowedScopes: input.allowedScopes } : {}),
        updatedAt: this.clock.date(),
      });
      await this.applications.save(manager, current);
      await stageApplicationEvents(manager, current, 'updated');
      return current;
    });
    this.clients.invalidate(applicationId);
    return application;
  }
}

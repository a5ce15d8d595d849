import { Injectable } from '@nestjs/common';
import { type AdminPrincipal, canAdministerTeam } from '@gatehouse/auth';
import { ApiChangedV1, ApiStateV1 } from '@gatehouse/contracts';
import { conflict, forbidden, notFound } from '@gatehouse/platform';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { actorOf, MANAGE_ROLE } from '../common/access';
import { Clock } from '../common/clock';
import { isUniqueViolation } from '../common/database-errors';
import { DirectoryRepository } from '../directory/directory.repository';
import { apiState } from '../events/state-payloads';
import { CatalogOutbox } from '../events/catalog-outbox';
import { ApisRepository } from './apis.repository';
import { assertAudienceAllowed, defaultAudience } from './audience';
import { type CreateApiInput, slugify } from './dto/api.dto';
import { ApiEntity } from './entities/api.entity';

@Injectable()
export class CreateApiUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly apis: ApisRepository,
    private readonly directory: DirectoryRepository,
    private readonly outbox: CatalogOutbox,
    private readonly clock: Clock,
  ) {}

  async execute(principal: AdminPrincipal, input: CreateApiInput): Promise<ApiEntity> {
    const team = await this.directory.findTeam(input.teamId);
    if (!team || team.status !== 'active' || (!principal.platformAdmin && team.tenantId !== principal.tenantId)) throw notFound('team', input.teamId);
    if (!canAdministerTeam(principal, team.id, MANAGE_ROLE)) throw forbidden(`creating an API needs the ${MANAGE_ROLE} role (or higher) in team ${team.id}`);
    const slug = input.slug ?? slugify(input.name);
    if (input.audience !== undefined) assertAudienceAllowed(input.audience, team.tenantId);
    const now = this.clock.now();
    const api = Object.assign(new ApiEntity(), {
      id: randomUUID(),
      tenantId: team.tenantId,
      teamId: team.id,
      name: input.name,
      slug,
      kind: input.kind,
      description: input.description,
      docs: input.docs,
      tags: [...new Set(input.tags)],
      visibility: input.visibility,
      audience: input.audience ?? defaultAudience(team.tenantId, slug),
      requireEncryptedTokens: input.requireEncryptedTokens,
      autoApprove: input.autoApprove,
      scopes: [...new Set(input.scopes)],
      createdBy: actorOf(principal),
      createdAt: now,
      updatedAt: now,
    });
    try {
      return await this.dataSource.transaction(async (manager) => {
        if (await this.apis.findBySlug(api.tenantId, slug, manager)) throw conflict(`an API with slug ${slug} already exists in tenant ${api.tenantId}`, { slug });
        if (await this.apis.findByAudience(api.audience, manager)) throw conflict(`audience ${api.audience} is already taken by another API`, { audience: api.audience });
        await this.apis.save(api, manager);
        await this.outbox.add(manager, ApiStateV1, apiState(api));
        await this.outbox.add(manager, ApiChangedV1, { apiId: api.id, tenantId: api.tenantId, teamId: api.teamId, name: api.name, change: 'created', by: actorOf(principal), at: now.toISOString() });
        return api;
      });
    } catch (error) {
      if (isUniqueViolation(error, 'apis_tenant_slug_uq')) throw conflict(`an API with slug ${slug} already exists in tenant ${api.tenantId}`, { slug });
      if (isUniqueViolation(error, 'apis_audience_uq')) throw conflict(`audience ${api.audience} is already taken by another API`, { audience: api.audience });
      throw error;
    }
  }
}

import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '@gatehouse/auth';
import { notFound } from '@gatehouse/platform';
import { DirectoryRepository } from '../directory/directory.repository';
import type { UsageQuery } from './dto/usage-query.dto';
import type { UsageScope } from './usage.repository';

/**
 * Who sees which usage: a platform admin everything (or the tenant it names); anyone else the
 * usage of their teams' applications and of their teams' APIs. Naming another tenant, or an
 * application or API the directory places in another tenant, answers 404 as if it did not exist.
 */
@Injectable()
export class UsageAccess {
  constructor(private readonly directory: DirectoryRepository) {}

  async scopeOf(principal: AdminPrincipal, query: UsageQuery): Promise<UsageScope> {
    if (principal.platformAdmin) return { kind: 'all', tenant: query.tenant };
    if (query.tenant !== null && query.tenant !== principal.tenantId) throw notFound('tenant', query.tenant);
    const { applicationId, apiId } = query.filters;
    if (applicationId !== undefined) {
      const owner = await this.directory.application(applicationId);
      if (!owner || owner.tenantId !== principal.tenantId) throw notFound('application', applicationId);
    }
    if (apiId !== undefined) {
      const owner = await this.directory.api(apiId);
      if (!owner || owner.tenantId !== principal.tenantId) throw notFound('api', apiId);
    }
    const teams = [...principal.teams.keys()];
    const [applicationIds, apiIds] = await Promise.all([
      this.directory.applicationsOfTeams(principal.tenantId, teams),
      this.directory.apisOfTeams(principal.tenantId, teams),
    ]);
    return { kind: 'owned', applicationIds, apiIds };
  }
}

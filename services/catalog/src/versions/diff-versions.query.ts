import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '@gatehouse/auth';
import { AppError } from '@gatehouse/platform';
import { ApisRepository } from '../apis/apis.repository';
import { visibleApi } from '../common/access';
import { diffOpenApi, type DiffReport } from '../openapi/diff/openapi-diff';
import type { ApiVersionEntity } from './entities/api-version.entity';
import { visibleVersion } from './version-access';
import { VersionsRepository } from './versions.repository';

/** The breaking-change report of `label` against `against` (what consumers of `against` would see change). */
@Injectable()
export class DiffVersionsQuery {
  constructor(
    private readonly apis: ApisRepository,
    private readonly versions: VersionsRepository,
  ) {}

  async execute(principal: AdminPrincipal, apiId: string, label: string, against: string): Promise<{ version: string; against: string } & DiffReport> {
    const api = visibleApi(principal, await this.apis.findById(apiId), apiId);
    const target = visibleVersion(principal, api, await this.versions.findByLabel(api.id, label), label);
    const base = visibleVersion(principal, api, await this.versions.findByLabel(api.id, against), against);
    return { version: target.version, against: base.version, ...diffOpenApi(documentOf(base), documentOf(target)) };
  }
}

function documentOf(version: ApiVersionEntity): Record<string, unknown> {
  if (!version.openapi) throw new AppError(409, 'no_document', `version ${version.version} has no OpenAPI document to compare`);
  return version.openapi;
}

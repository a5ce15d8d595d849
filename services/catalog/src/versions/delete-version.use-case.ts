import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '@gatehouse/auth';
import { AppError, notFound } from '@gatehouse/platform';
import { DataSource } from 'typeorm';
import { ApisRepository } from '../apis/apis.repository';
import { EDIT_ROLE, manageableApi } from '../common/access';
import { VersionsRepository } from './versions.repository';

/** Only drafts can be deleted: nothing of them was ever routed or announced beyond their creation. */
@Injectable()
export class DeleteVersionUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly apis: ApisRepository,
    private readonly versions: VersionsRepository,
  ) {}

  async execute(principal: AdminPrincipal, apiId: string, label: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const api = manageableApi(principal, await this.apis.lockById(apiId, manager), apiId, EDIT_ROLE);
      const version = await this.versions.lockByLabel(api.id, label, manager);
      if (!version) throw notFound('version', label);
      if (version.state !== 'draft') throw new AppError(409, 'version_released', `version ${label} is ${version.state}; only drafts can be deleted (deprecate and retire it instead)`);
      await this.versions.delete(version.id, manager);
    });
  }
}

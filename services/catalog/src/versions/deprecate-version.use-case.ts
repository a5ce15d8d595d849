import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '@gatehouse/auth';
import { badRequest } from '@gatehouse/platform';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import type { ApiVersionEntity } from './entities/api-version.entity';
import { VersionTransitions } from './version-transitions';

/** published → deprecated, with a sunset date in the future; the gateway then sends Deprecation and Sunset headers. */
@Injectable()
export class DeprecateVersionUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: VersionTransitions,
    private readonly clock: Clock,
  ) {}

  execute(principal: AdminPrincipal, apiId: string, label: string, sunsetAt: Date): Promise<ApiVersionEntity> {
    return this.dataSource.transaction(async (manager) => {
      const locked = await this.transitions.lock(manager, principal, apiId, label, 'deprecated');
      const now = this.clock.now();
      if (sunsetAt.getTime() <= now.getTime()) throw badRequest(`sunsetAt ${sunsetAt.toISOString()} must be in the future (now ${now.toISOString()})`);
      Object.assign(locked.version, { state: 'deprecated', deprecatedAt: now, sunsetAt });
      await this.transitions.commit(manager, principal, locked, 'published', now);
      return locked.version;
    });
  }
}

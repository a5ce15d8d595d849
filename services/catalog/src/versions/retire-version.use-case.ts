import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '@gatehouse/auth';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import type { ApiVersionEntity } from './entities/api-version.entity';
import { VersionTransitions } from './version-transitions';

/** deprecated → retired: the routes stay on the route topic as `retired`, so the gateway answers 410. */
@Injectable()
export class RetireVersionUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: VersionTransitions,
    private readonly clock: Clock,
  ) {}

  execute(principal: AdminPrincipal, apiId: string, label: string): Promise<ApiVersionEntity> {
    return this.dataSource.transaction(async (manager) => {
      const locked = await this.transitions.lock(manager, principal, apiId, label, 'retired');
      const now = this.clock.now();
      Object.assign(locked.version, { state: 'retired', retiredAt: now });
      await this.transitions.commit(manager, principal, locked, 'deprecated', now);
      return locked.version;
    });
  }
}

import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { PLATFORM_TENANT } from '@gatehouse/contracts';
import type { Logger } from '@gatehouse/observability';
import { LOGGER } from '@gatehouse/platform';
import { DataSource } from 'typeorm';
import type { IdentityConfig } from '../config/identity-config';
import { IDENTITY_CONFIG } from '../core/identity-core.module';
import { MembersRepository } from '../members/members.repository';
import { MembersService } from '../members/members.service';
import { PasswordHasher } from '../members/password-hasher';
import { TenantsService } from '../tenants/tenants.service';

/**
 * First start: the `platform` tenant (home of platform admins), the first customer tenant
 * (`BOOTSTRAP_TENANT`) and the platform admin member (`BOOTSTRAP_ADMIN_EMAIL` /
 * `BOOTSTRAP_ADMIN_PASSWORD`). Idempotent and serialized across replicas: what exists is
 * left as it is (an existing admin's password is never reset from configuration).
 */
@Injectable()
export class BootstrapService implements OnApplicationBootstrap {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tenants: TenantsService,
    private readonly members: MembersService,
    private readonly memberRecords: MembersRepository,
    private readonly passwords: PasswordHasher,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { BOOTSTRAP_TENANT: tenantId, BOOTSTRAP_ADMIN_EMAIL: email, BOOTSTRAP_ADMIN_PASSWORD: password } = this.config;
    if (Boolean(email) !== Boolean(password)) this.logger.warn('set both BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD to create the platform admin');
    const wantsAdmin = Boolean(email && password) && !(await this.memberRecords.findByEmail(email!));
    const passwordHash = wantsAdmin ? await this.passwords.hash(password!) : null;
    await this.dataSource.transaction(async (manager) => {
      await manager.query('select pg_advisory_xact_lock(hashtext($1))', ['gatehouse:identity:bootstrap']);
      const platform = await this.tenants.ensure(manager, PLATFORM_TENANT, 'Platform');
      if (platform.created) this.logger.info('created the platform tenant');
      if (tenantId && tenantId !== PLATFORM_TENANT && (await this.tenants.ensure(manager, tenantId, tenantId)).created) this.logger.info({ tenantId }, 'created the bootstrap tenant');
      if (passwordHash && !(await this.memberRecords.findByEmail(email!, manager))) {
        await this.members.insert(manager, { tenantId: PLATFORM_TENANT, email: email!, displayName: 'Platform admin', passwordHash, platformAdmin: true, teams: [] });
        this.logger.info('created the platform admin member');
      }
    });
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { AdminPrincipal, RevocationState, RevocationStore } from '@gatehouse/auth';
import { conflict, notFound } from '@gatehouse/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { stageApiKeyState, stageCredentialChanged } from '../api-keys/api-key-events';
import { ApiKeysRepository } from '../api-keys/api-keys.repository';
import { Clock } from '../common/clock';
import { ClientRegistry } from '../credentials/client-registry';
import { CredentialsRepository } from '../credentials/credentials.repository';
import { RefreshTokensRepository } from '../tokens/refresh-tokens.repository';
import { REVOCATION_STORE, RevocationsService } from '../tokens/revocations.service';
import { applicationState, stageApplicationEvents } from './application-events';
import { ApplicationsRepository } from './applications.repository';
import { ApplicationsService } from './applications.service';
import type { Application } from './entities/application.entity';

/**
 * Suspension, reactivation, deletion and "revoke every token". Each publishes, in the same
 * transaction as the change: the application state (gateways refuse a suspended or deleted
 * application), an application revocation (every token issued before now), and the API key
 * states (tombstoned while suspended, republished on reactivation).
 */
@Injectable()
export class ApplicationLifecycleService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly applications: ApplicationsRepository,
    private readonly access: ApplicationsService,
    private readonly credentials: CredentialsRepository,
    private readonly apiKeys: ApiKeysRepository,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly revocations: RevocationsService,
    @Inject(REVOCATION_STORE) private readonly store: RevocationStore,
    private readonly clients: ClientRegistry,
    private readonly clock: Clock,
  ) {}

  suspend(principal: AdminPrincipal, tenantId: string, applicationId: string): Promise<Application> {
    return this.transition(principal, tenantId, applicationId, async (manager, application) => {
      if (application.status !== 'active') throw conflict(`application is ${application.status}`);
      application.status = 'suspended';
      await stageApplicationEvents(manager, application, 'suspended');
      await this.stageApiKeys(manager, application, false);
      return this.stageRevocation(manager, application, 'application suspended');
    });
  }

  reactivate(principal: AdminPrincipal, tenantId: string, applicationId: string): Promise<Application> {
    return this.transition(principal, tenantId, applicationId, async (manager, application) => {
      if (application.status !== 'suspended') throw conflict(`application is ${application.status}`);
      application.status = 'active';
      await stageApplicationEvents(manager, application, 'reactivated');
      await this.stageApiKeys(manager, application, true);
      return null;
    });
  }

  delete(principal: AdminPrincipal, tenantId: string, applicationId: string): Promise<Application> {
    return this.transition(principal, tenantId, applicationId, async (manager, application) => {
      application.status = 'deleted';
      await stageApplicationEvents(manager, application, 'deleted');
      const now = this.clock.date();
      for (const credential of await this.credentials.revokeAllOf(manager, application.id, now)) {
        await stageCredentialChanged(manager, credential, credential.kind, 'revoked', now);
      }
      for (const key of await this.apiKeys.liveOf(manager, application.id)) {
        await this.apiKeys.revoke(manager, key.id, now);
        await stageApiKeyState(manager, key, false, now);
        await stageCredentialChanged(manager, key, 'api_key', 'revoked', now);
      }
      return this.stageRevocation(manager, application, 'application deleted');
    });
  }

  async revokeTokens(principal: AdminPrincipal, tenantId: string, applicationId: string): Promise<RevocationState> {
    const application = await this.access.authorized(principal, tenantId, applicationId, 'admin', 'revoking the tokens of an application');
    const state = await this.dataSource.transaction((manager) => this.stageRevocation(manager, application, 'all tokens revoked by an administrator'));
    this.revocations.applyLocally([state]);
    return state;
  }

  private async transition(
    principal: AdminPrincipal,
    tenantId: string,
    applicationId: string,
    change: (manager: EntityManager, application: Application) => Promise<RevocationState | null>,
  ): Promise<Application> {
    await this.access.authorized(principal, tenantId, applicationId, 'admin', 'changing the status of an application');
    const { application, revoked } = await this.dataSource.transaction(async (manager) => {
      const current = await this.applications.findForUpdate(manager, tenantId, applicationId);
      if (!current) throw notFound('application', applicationId);
      current.updatedAt = this.clock.date();
      const state = await change(manager, current);
      await this.applications.save(manager, current);
      return { application: current, revoked: state };
    });
    this.clients.invalidate(applicationId);
    if (revoked) this.revocations.applyLocally([revoked]);
    this.store.applyApplication(application.status === 'deleted' ? null : applicationState(application), applicationId);
    return application;
  }

  private async stageApiKeys(manager: EntityManager, application: Application, usable: boolean): Promise<void> {
    const now = this.clock.now();
    for (const key of await this.apiKeys.liveOf(manager, application.id)) {
      if (usable && key.expiresAt && key.expiresAt.getTime() <= now) continue;
      await stageApiKeyState(manager, key, usable, new Date(now));
    }
  }

  private async stageRevocation(manager: EntityManager, application: Application, reason: string): Promise<RevocationState> {
    await this.refreshTokens.revokeByClient(manager, application.tenantId, application.id, this.clock.date());
    return this.revocations.stage(manager, { kind: 'application', tenantId: application.tenantId, applicationId: application.id }, reason);
  }
}

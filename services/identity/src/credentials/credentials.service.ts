import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '@gatehouse/auth';
import { badRequest, notFound } from '@gatehouse/platform';
import type { JSONWebKeySet } from 'jose';
import { DataSource } from 'typeorm';
import { stageCredentialChanged } from '../api-keys/api-key-events';
import { ApplicationsService } from '../applications/applications.service';
import { Clock } from '../common/clock';
import { newId, randomToken } from '../common/random';
import { ClientRegistry } from './client-registry';
import { CredentialsRepository } from './credentials.repository';
import type { CreateJwks, CreateSecret } from './dto/credential.dto';
import { Credential } from './entities/credential.entity';
import { SecretHasher } from './secret-hasher';

export const CLIENT_SECRET_PREFIX = 'ghs_';
const MAX_LIVE_CREDENTIALS = 10;

/**
 * Client secrets (256 random bits, shown once, kept as an HMAC) and private_key_jwt key
 * sets. Several may be live at once, so a client rotates by adding the new one before
 * revoking the old.
 */
@Injectable()
export class CredentialsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly applications: ApplicationsService,
    private readonly credentials: CredentialsRepository,
    private readonly hasher: SecretHasher,
    private readonly clients: ClientRegistry,
    private readonly clock: Clock,
  ) {}

  async list(principal: AdminPrincipal, tenantId: string, applicationId: string): Promise<Credential[]> {
    await this.applications.authorized(principal, tenantId, applicationId, 'viewer', 'reading credentials');
    return this.credentials.listOf(applicationId);
  }

  async createSecret(principal: AdminPrincipal, tenantId: string, applicationId: string, input: CreateSecret): Promise<{ credential: Credential; secret: string }> {
    const secret = `${CLIENT_SECRET_PREFIX}${randomToken(32)}`;
    const credential = await this.add(principal, tenantId, applicationId, input.expiresAt, { kind: 'client_secret', secretHash: this.hasher.hash(secret), hint: secret.slice(-4), jwks: null });
    return { credential, secret };
  }

  createJwks(principal: AdminPrincipal, tenantId: string, applicationId: string, input: CreateJwks): Promise<Credential> {
    return this.add(principal, tenantId, applicationId, input.expiresAt, { kind: 'private_key_jwt', secretHash: null, hint: null, jwks: input.jwks as JSONWebKeySet });
  }

  async revoke(principal: AdminPrincipal, tenantId: string, applicationId: string, credentialId: string): Promise<void> {
    await this.applications.authorized(principal, tenantId, applicationId, 'developer', 'revoking a credential');
    await this.dataSource.transaction(async (manager) => {
      const credential = await this.credentials.findOne(applicationId, credentialId, manager);
      if (!credential || credential.revokedAt) throw notFound('credential', credentialId);
      const now = this.clock.date();
      await this.credentials.revoke(manager, credentialId, now);
      await stageCredentialChanged(manager, credential, credential.kind, 'revoked', now);
    });
    this.clients.invalidate(applicationId);
  }

  private async add(
    principal: AdminPrincipal,
    tenantId: string,
    applicationId: string,
    expiresAt: Date | undefined,
    material: Pick<Credential, 'kind' | 'secretHash' | 'hint' | 'jwks'>,
  ): Promise<Credential> {
    await this.applications.authorized(principal, tenantId, applicationId, 'developer', 'adding a credential');
    const now = this.clock.date();
    if (expiresAt && expiresAt.getTime() <= now.getTime()) throw badRequest('expiresAt must lie in the future');
    const credential = Object.assign(new Credential(), { id: newId(), applicationId, tenantId, ...material, createdAt: now, expiresAt: expiresAt ?? null, revokedAt: null });
    await this.dataSource.transaction(async (manager) => {
      if ((await this.credentials.liveOf(applicationId)).length >= MAX_LIVE_CREDENTIALS) throw badRequest(`an application has at most ${MAX_LIVE_CREDENTIALS} live credentials; revoke one first`);
      await this.credentials.insert(manager, credential);
      await stageCredentialChanged(manager, credential, credential.kind, 'created', now);
    });
    this.clients.invalidate(applicationId);
    return credential;
  }
}

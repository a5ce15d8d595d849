import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '@gatehouse/auth';
import { AppError, conflict } from '@gatehouse/platform';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { actorOf } from '../../common/access';
import { Clock } from '../../common/clock';
import { isUniqueViolation } from '../../common/database-errors';
import { DirectoryRepository } from '../../directory/directory.repository';
import { manageableResource, owningTeam } from '../common/ai-access';
import { ModelsRepository } from '../models/models.repository';
import { PoliciesRepository } from '../policies/policies.repository';
import { AiProviderEntity } from './ai-provider.entity';
import { type CreateProviderInput, defaultBaseUrls, providerShapeIssues, type UpdateProviderInput } from './dto/provider.dto';
import { ProviderCredentials } from './provider-credentials.service';
import { ProviderStatePublisher } from './provider-state.publisher';
import { ProvidersRepository } from './providers.repository';

const nameTaken = (name: string, tenantId: string) => conflict(`an AI provider named ${name} already exists in tenant ${tenantId}`, { name });

function assertShape(provider: AiProviderEntity): void {
  const issues = providerShapeIssues({ ...provider, hasCredential: provider.credentialCiphertext !== null });
  if (issues.length > 0) throw new AppError(400, 'invalid_request', issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '), { issues });
}

/** Creates, changes and deletes AI providers; every change stages the provider state for the gateway. */
@Injectable()
export class ManageProviderUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly providers: ProvidersRepository,
    private readonly models: ModelsRepository,
    private readonly policies: PoliciesRepository,
    private readonly directory: DirectoryRepository,
    private readonly credentials: ProviderCredentials,
    private readonly publisher: ProviderStatePublisher,
    private readonly clock: Clock,
  ) {}

  async create(principal: AdminPrincipal, input: CreateProviderInput): Promise<AiProviderEntity> {
    const team = await owningTeam(this.directory, principal, input.teamId, 'an AI provider');
    const now = this.clock.now();
    const provider = Object.assign(new AiProviderEntity(), {
      id: randomUUID(),
      tenantId: team.tenantId,
      teamId: team.id,
      name: input.name,
      type: input.type,
      baseUrl: input.baseUrl ?? defaultBaseUrls[input.type] ?? null,
      apiVersion: input.apiVersion ?? null,
      deployment: input.deployment ?? null,
      credentialCiphertext: null,
      credentialKeyId: null,
      credentialFingerprint: null,
      credentialUpdatedAt: null,
      transportSecretId: null,
      createdBy: actorOf(principal),
      createdAt: now,
      updatedAt: now,
    });
    if (input.credential !== undefined) await this.setCredential(provider, input.credential, now);
    assertShape(provider);
    try {
      return await this.dataSource.transaction(async (manager) => {
        if (await this.providers.nameTaken(provider.tenantId, provider.name, null, manager)) throw nameTaken(provider.name, provider.tenantId);
        return this.publisher.saveAndPublish(manager, provider);
      });
    } catch (error) {
      if (isUniqueViolation(error, 'ai_providers_tenant_name_uq')) throw nameTaken(provider.name, provider.tenantId);
      throw error;
    }
  }

  async update(principal: AdminPrincipal, providerId: string, input: UpdateProviderInput): Promise<AiProviderEntity> {
    const { tenantId } = manageableResource(principal, await this.providers.findById(providerId), 'AI provider', providerId);
    try {
      return await this.dataSource.transaction(async (manager) => {
        const provider = manageableResource(principal, await this.providers.lockById(providerId, manager), 'AI provider', providerId);
        const now = this.clock.now();
        const { credential, ...rest } = input;
        Object.assign(provider, rest, { updatedAt: now });
        if (credential === null) Object.assign(provider, { credentialCiphertext: null, credentialKeyId: null, credentialFingerprint: null, credentialUpdatedAt: now });
        else if (credential !== undefined) await this.setCredential(provider, credential, now);
        assertShape(provider);
        if (input.name !== undefined && (await this.providers.nameTaken(provider.tenantId, provider.name, provider.id, manager))) throw nameTaken(provider.name, provider.tenantId);
        return this.publisher.saveAndPublish(manager, provider);
      });
    } catch (error) {
      if (isUniqueViolation(error, 'ai_providers_tenant_name_uq')) throw nameTaken(input.name ?? '', tenantId);
      throw error;
    }
  }

  /** Refused (409) while a model or a routing policy still uses the provider. */
  async delete(principal: AdminPrincipal, providerId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const provider = manageableResource(principal, await this.providers.lockById(providerId, manager), 'AI provider', providerId);
      const models = await this.models.ofProvider(provider.id, manager);
      const policies = await this.policies.referencing({ providerId: provider.id }, manager);
      if (models.length > 0 || policies.length > 0) {
        const users = [...models.map((model) => `model ${model.name}`), ...policies.map((policy) => `policy ${policy.model}`)];
        throw conflict(`AI provider ${provider.name} is still used by ${users.join(', ')}; change or delete them first`, {
          models: models.map((model) => model.id),
          policies: policies.map((policy) => policy.id),
        });
      }
      await this.publisher.tombstone(manager, provider.id);
      await this.providers.delete(provider.id, manager);
    });
  }

  private async setCredential(provider: AiProviderEntity, credential: string, now: Date): Promise<void> {
    const sealed = await this.credentials.seal(provider, credential);
    Object.assign(provider, { credentialCiphertext: sealed.ciphertext, credentialKeyId: sealed.keyId, credentialFingerprint: sealed.fingerprint, credentialUpdatedAt: now });
  }
}

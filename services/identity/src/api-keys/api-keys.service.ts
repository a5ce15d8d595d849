import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '@gatehouse/auth';
import { badRequest, notFound } from '@gatehouse/platform';
import { DataSource } from 'typeorm';
import { ApplicationsService } from '../applications/applications.service';
import { Clock } from '../common/clock';
import { newId, randomToken, sha256Hex } from '../common/random';
import { stageApiKeyState, stageCredentialChanged } from './api-key-events';
import { ApiKeysRepository } from './api-keys.repository';
import type { CreateApiKey } from './dto/api-key.dto';
import { ApiKey } from './entities/api-key.entity';

const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';

/** Eight characters (40 bits) that name the key in listings and logs; not secret. */
function visiblePrefix(): string {
  return [...randomBytes(8)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

/**
 * API keys `gh_<prefix>_<secret>` with a 256-bit secret: only the SHA-256 of the whole key is
 * kept and published (ApiKeyStateV1), which is enough for gateways to check a presented key
 * and useless to anyone who reads the topic.
 */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly applications: ApplicationsService,
    private readonly apiKeys: ApiKeysRepository,
    private readonly clock: Clock,
  ) {}

  async list(principal: AdminPrincipal, tenantId: string, applicationId: string): Promise<ApiKey[]> {
    await this.applications.authorized(principal, tenantId, applicationId, 'viewer', 'reading API keys');
    return this.apiKeys.listOf(applicationId);
  }

  async create(principal: AdminPrincipal, tenantId: string, applicationId: string, input: CreateApiKey): Promise<{ key: ApiKey; secret: string }> {
    const application = await this.applications.authorized(principal, tenantId, applicationId, 'developer', 'creating an API key');
    const now = this.clock.date();
    if (input.expiresAt && input.expiresAt.getTime() <= now.getTime()) throw badRequest('expiresAt must lie in the future');
    const allowed = new Set(application.allowedScopes);
    const refused = input.scopes.filter((scope) => !allowed.has(scope));
    if (refused.length > 0) throw badRequest(`scopes outside the application's allowed scopes: ${refused.join(' ')}`);
    const prefix = `gh_${visiblePrefix()}`;
    const secret = `${prefix}_${randomToken(32)}`;
    const key = Object.assign(new ApiKey(), {
      id: newId(),
      applicationId,
      tenantId,
      prefix,
      hash: sha256Hex(secret),
      scopes: input.scopes,
      createdAt: now,
      expiresAt: input.expiresAt ?? null,
      revokedAt: null,
    });
    await this.dataSource.transaction(async (manager) => {
      await this.apiKeys.insert(manager, key);
      await stageCredentialChanged(manager, key, 'api_key', 'created', now);
      // A key of a suspended application is published when the application is reactivated.
      if (application.status === 'active') await stageApiKeyState(manager, key, true, now);
    });
    return { key, secret };
  }

  async revoke(principal: AdminPrincipal, tenantId: string, applicationId: string, apiKeyId: string): Promise<void> {
    await this.applications.authorized(principal, tenantId, applicationId, 'developer', 'revoking an API key');
    await this.dataSource.transaction(async (manager) => {
      const key = await this.apiKeys.find(applicationId, apiKeyId, manager);
      if (!key || key.revokedAt) throw notFound('API key', apiKeyId);
      const now = this.clock.date();
      await this.apiKeys.revoke(manager, key.id, now);
      await stageApiKeyState(manager, key, false, now);
      await stageCredentialChanged(manager, key, 'api_key', 'revoked', now);
    });
  }
}

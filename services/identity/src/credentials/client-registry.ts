import { Inject, Injectable } from '@nestjs/common';
import { createLocalJWKSet, type JSONWebKeySet, type JWK } from 'jose';
import { ApplicationsRepository } from '../applications/applications.repository';
import { Clock } from '../common/clock';
import type { IdentityConfig } from '../config/identity-config';
import { IDENTITY_CONFIG } from '../core/identity-core.module';
import { CredentialsRepository } from './credentials.repository';

export interface ClientRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly teamId: string;
  /** False when the application or its tenant is suspended or deleted. */
  readonly usable: boolean;
  readonly requireEncryptedTokens: boolean;
  readonly allowedScopes: readonly string[];
  readonly secrets: ReadonlyArray<{ readonly hash: Buffer; readonly expiresAt: number }>;
  /** Keys of the live private_key_jwt credentials, or null. */
  readonly keys: ReturnType<typeof createLocalJWKSet> | null;
}

interface Cached {
  record: ClientRecord | null;
  until: number;
}

const plausibleId = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * Client records for the token path, cached in memory for a short TTL (also the negative
 * answer for unknown ids) and dropped at once when this replica changes the application or
 * its credentials; other replicas converge within the TTL. Concurrent loads of one id share
 * one query.
 */
@Injectable()
export class ClientRegistry {
  private readonly cache = new Map<string, Cached>();
  private readonly loading = new Map<string, Promise<ClientRecord | null>>();
  private readonly invalidations = new Map<string, number>();
  private generation = 0;
  private readonly ttlMs: number;

  constructor(
    private readonly applications: ApplicationsRepository,
    private readonly credentials: CredentialsRepository,
    private readonly clock: Clock,
    @Inject(IDENTITY_CONFIG) config: IdentityConfig,
  ) {
    this.ttlMs = config.CLIENT_CACHE_TTL_SECONDS * 1000;
  }

  /** The cached record (null: known not to exist), or undefined when it must be loaded. */
  peek(clientId: string): ClientRecord | null | undefined {
    if (!plausibleId.test(clientId)) return null;
    const cached = this.cache.get(clientId);
    return cached && cached.until > this.clock.now() ? cached.record : undefined;
  }

  async find(clientId: string): Promise<ClientRecord | null> {
    const cached = this.peek(clientId);
    if (cached !== undefined) return cached;
    let pending = this.loading.get(clientId);
    if (!pending) {
      pending = this.load(clientId).finally(() => this.loading.delete(clientId));
      this.loading.set(clientId, pending);
    }
    return pending;
  }

  invalidate(clientId: string): void {
    this.cache.delete(clientId);
    this.loading.delete(clientId);
    this.invalidations.set(clientId, ++this.generation);
    if (this.invalidations.size > 10_000) this.invalidations.clear();
  }

  /** Drops every cached record (a tenant changed status). */
  invalidateAll(): void {
    for (const clientId of [...this.cache.keys(), ...this.loading.keys()]) this.invalidate(clientId);
  }

  private async load(clientId: string): Promise<ClientRecord | null> {
    const started = this.clock.now();
    const generation = this.generation;
    const found = await this.applications.findWithTenantStatus(clientId);
    let record: ClientRecord | null = null;
    if (found && found.application.status !== 'deleted') {
      const { application, tenantStatus } = found;
      const live = await this.credentials.liveOf(clientId);
      const keys: JWK[] = live.filter((credential) => credential.kind === 'private_key_jwt').flatMap((credential) => (credential.jwks as JSONWebKeySet).keys);
      record = {
        id: application.id,
        tenantId: application.tenantId,
        teamId: application.teamId,
        usable: application.status === 'active' && tenantStatus === 'active',
        requireEncryptedTokens: application.requireEncryptedTokens,
        allowedScopes: application.allowedScopes,
        secrets: live
          .filter((credential) => credential.kind === 'client_secret')
          .map((credential) => ({ hash: Buffer.from(credential.secretHash!, 'hex'), expiresAt: credential.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY })),
        keys: keys.length > 0 ? createLocalJWKSet({ keys }) : null,
      };
    }
    if (this.ttlMs > 0) {
      // An invalidation that raced with this load wins: the possibly stale record is not cached.
      if ((this.invalidations.get(clientId) ?? -1) <= generation) this.cache.set(clientId, { record, until: started + this.ttlMs });
      if (this.cache.size > 50_000) this.cache.delete(this.cache.keys().next().value!);
    }
    return record;
  }
}

import { Injectable } from '@nestjs/common';
import type { RevocationState } from '@gatehouse/auth';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { newId, randomToken, sha256Hex } from '../common/random';
import { invalidGrant } from '../oauth/oauth-error';
import { RefreshToken } from './entities/refresh-token.entity';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { RevocationsService } from './revocations.service';

export const REFRESH_TOKEN_PREFIX = 'ghr_';

export interface RefreshGrantContext {
  tenantId: string;
  clientId: string;
  subject: string;
  scope: string;
  audiences: string[];
}

export interface NewRefreshToken extends RefreshGrantContext {
  familyId?: string;
  /** Absolute expiry of the family. */
  expiresAt: Date;
  access: { jti: string; expiresAt: number };
}

/** What a rotation step returns to the grant, which mints the next pair inside the same transaction. */
export type RotationStep = (previous: RefreshToken, manager: EntityManager) => Promise<void>;

/**
 * Opaque refresh tokens (`ghr_` + 256 random bits), stored as SHA-256. Each use rotates:
 * the presented token is spent and a new one of the same family is issued. Presenting a spent
 * token again is reuse: the whole family is revoked, with the access tokens it issued.
 */
@Injectable()
export class RefreshTokensService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: RefreshTokensRepository,
    private readonly revocations: RevocationsService,
    private readonly clock: Clock,
  ) {}

  async issue(manager: EntityManager, request: NewRefreshToken): Promise<string> {
    const token = `${REFRESH_TOKEN_PREFIX}${randomToken(32)}`;
    const row = Object.assign(new RefreshToken(), {
      id: newId(),
      familyId: request.familyId ?? newId(),
      tokenHash: sha256Hex(token),
      tenantId: request.tenantId,
      clientId: request.clientId,
      subject: request.subject,
      scope: request.scope,
      audiences: request.audiences,
      issuedAt: this.clock.date(),
      expiresAt: request.expiresAt,
      rotatedAt: null,
      revokedAt: null,
      accessJti: request.access.jti,
      accessExpiresAt: new Date(request.access.expiresAt * 1000),
    });
    await this.repository.insert(manager, row);
    return token;
  }

  /**
   * Spends `token` for `clientId` and runs `next` (which issues the new pair) in the same
   * transaction. Unknown, foreign, expired, revoked and reused tokens are invalid_grant; reuse
   * also revokes the family before answering.
   */
  async rotate<T>(token: string, clientId: string, next: (previous: RefreshToken, manager: EntityManager) => Promise<T>): Promise<T> {
    const hash = sha256Hex(token);
    type Outcome = { error: string; revoked?: RevocationState[]; value?: undefined } | { error?: undefined; revoked?: undefined; value: T };
    const outcome = await this.dataSource.transaction(async (manager): Promise<Outcome> => {
      const previous = await this.repository.findByHashForUpdate(manager, hash);
      if (!previous || previous.clientId !== clientId) return { error: 'refresh token is unknown or was issued to another client' };
      if (previous.revokedAt) return { error: 'refresh token was revoked' };
      if (previous.expiresAt.getTime() <= this.clock.now()) return { error: 'refresh token has expired' };
      if (previous.rotatedAt) {
        const revoked = await this.revokeFamilyIn(manager, previous.familyId, previous.tenantId, 'refresh token reuse detected');
        return { error: 'refresh token was already used; every token of its family is now revoked', revoked };
      }
      await this.repository.markRotated(manager, previous.id, this.clock.date());
      return { value: await next(previous, manager) };
    });
    if (outcome.error !== undefined) {
      if (outcome.revoked) this.revocations.applyLocally(outcome.revoked);
      throw invalidGrant(outcome.error);
    }
    return outcome.value as T;
  }

  /** Revokes the family of `token` when it belongs to `clientId`; false when it does not. */
  async revokeFamilyOf(token: string, clientId: string, reason: string): Promise<boolean> {
    const row = await this.repository.findByHash(sha256Hex(token));
    if (!row || row.clientId !== clientId) return false;
    const revoked = await this.dataSource.transaction((manager) => this.revokeFamilyIn(manager, row.familyId, row.tenantId, reason));
    this.revocations.applyLocally(revoked);
    return true;
  }

  /** Whether a refresh token is live, for introspection (only its own client may ask). */
  async inspect(token: string, clientId: string): Promise<RefreshToken | null> {
    const row = await this.repository.findByHash(sha256Hex(token));
    if (!row || row.clientId !== clientId || row.revokedAt || row.rotatedAt || row.expiresAt.getTime() <= this.clock.now()) return null;
    return row;
  }

  private async revokeFamilyIn(manager: EntityManager, familyId: string, tenantId: string, reason: string): Promise<RevocationState[]> {
    const rows = await this.repository.revokeFamily(manager, familyId, this.clock.date());
    const now = this.clock.now();
    const states: RevocationState[] = [];
    for (const row of rows) {
      if (row.accessExpiresAt.getTime() <= now) continue;
      states.push(
        await this.revocations.stage(manager, { kind: 'token', tenantId, jti: row.accessJti, applicationId: row.clientId, expiresAt: row.accessExpiresAt }, reason),
      );
    }
    return states;
  }
}

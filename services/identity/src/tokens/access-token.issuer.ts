import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { randomId128 } from '../common/random';
import type { IdentityConfig } from '../config/identity-config';
import { IDENTITY_CONFIG } from '../core/identity-core.module';
import { KeyStore } from '../keys/key-store';
import { temporarilyUnavailable } from '../oauth/oauth-error';
import { encryptNested } from './jwe';
import { signCompactJws } from './jws';

export interface AccessTokenRequest {
  tenantId: string;
  subject: string;
  clientId: string;
  audiences: readonly string[];
  scopes: readonly string[];
  ttlSeconds: number;
  encrypt: boolean;
  /** Extra claims (member tokens: `teams`, `platform_admin`; exchanged tokens: `act`). */
  claims?: Record<string, unknown>;
}

export interface IssuedAccessToken {
  token: string;
  jti: string;
  /** NumericDate. */
  issuedAt: number;
  expiresAt: number;
  expiresIn: number;
  kid: string;
  encrypted: boolean;
}

/**
 * Mints RFC 9068 access tokens with the active signing key of the tenant's (or the platform's)
 * key set, in memory only: no database, no Kafka. Confidential tokens are nested in a JWE for
 * the gateway's current encryption key.
 */
@Injectable()
export class AccessTokenIssuer {
  constructor(
    private readonly keys: KeyStore,
    private readonly clock: Clock,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {}

  async issue(request: AccessTokenRequest): Promise<IssuedAccessToken> {
    const now = this.clock.now();
    const key = this.keys.activeSigningKey(request.tenantId, now);
    if (!key) throw temporarilyUnavailable('no active signing key is known yet');
    const encryption = request.encrypt ? this.keys.activeEncryptionKey(request.tenantId, now) : null;
    if (request.encrypt && !encryption) throw temporarilyUnavailable('an encrypted token is required but no active encryption key is known');
    const iat = Math.floor(now / 1000);
    // A token never outlives the key that signed it.
    const exp = Math.min(iat + request.ttlSeconds, Math.floor(key.verifiableUntil / 1000));
    const jti = randomId128();
    const payload: Record<string, unknown> = {
      iss: this.config.TOKEN_ISSUER,
      sub: request.subject,
      aud: request.audiences.length === 1 ? request.audiences[0] : [...request.audiences],
      exp,
      iat,
      jti,
      client_id: request.clientId,
      tenant: request.tenantId,
      ...(request.scopes.length > 0 ? { scope: request.scopes.join(' ') } : {}),
      ...request.claims,
    };
    const signed = await signCompactJws(key.material, payload);
    const token = encryption ? encryptNested(signed, encryption, { jti, exp, client_id: request.clientId }) : signed;
    return { token, jti, issuedAt: iat, expiresAt: exp, expiresIn: Math.max(0, exp - iat), kid: key.kid, encrypted: encryption !== null };
  }
}

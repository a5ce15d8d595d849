import { Inject, Injectable } from '@nestjs/common';
import { decodeBase64url, isTokenError, type TokenVerifier } from '@gatehouse/auth';
import { Clock } from '../common/clock';
import { REFRESH_TOKEN_PREFIX, RefreshTokensService } from '../tokens/refresh-tokens.service';
import { RevocationsService } from '../tokens/revocations.service';
import { TOKEN_VERIFIER } from '../tokens/token-verifier.provider';
import { type AuthenticatedClient, CLI_CLIENT_ID } from './client-authenticator';

interface Target {
  tenantId: string;
  jti: string;
  clientId: string;
  exp: number;
}

/**
 * RFC 7009. A refresh token revokes its whole family; an access token is revoked by `jti`
 * until its `exp` (a RevocationStateV1 every gateway applies). Only the client a token was
 * issued to can revoke it; anything else (unknown, expired, foreign) is answered 200 with no
 * effect, as section 2.2 asks.
 */
@Injectable()
export class TokenRevocationService {
  constructor(
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    private readonly refreshTokens: RefreshTokensService,
    private readonly revocations: RevocationsService,
    private readonly clock: Clock,
  ) {}

  async revoke(caller: AuthenticatedClient, token: string): Promise<void> {
    const callerId = caller.kind === 'cli' ? CLI_CLIENT_ID : caller.client.id;
    if (token.startsWith(REFRESH_TOKEN_PREFIX)) {
      await this.refreshTokens.revokeFamilyOf(token, callerId, 'revoked by its client');
      return;
    }
    const target = this.targetOf(token, caller.kind === 'application' ? caller.client.tenantId : null);
    if (!target || target.clientId !== callerId || target.exp <= this.clock.seconds()) return;
    if (caller.kind === 'application' && caller.client.tenantId !== target.tenantId) return;
    await this.revocations.revoke(
      { kind: 'token', tenantId: target.tenantId, jti: target.jti, applicationId: callerId, expiresAt: new Date(target.exp * 1000) },
      'revoked by its client',
    );
  }

  private targetOf(token: string, callerTenant: string | null): Target | null {
    const segments = token.split('.');
    if (segments.length === 3) {
      try {
        const verified = this.verifier.verify(token);
        return { tenantId: verified.tenant, jti: verified.jti, clientId: verified.clientId, exp: verified.expiresAt };
      } catch (error) {
        if (isTokenError(error)) return null;
        throw error;
      }
    }
    if (segments.length !== 5) return null;
    // Identity cannot decrypt (only the gateway holds the key): it reads the jti, exp and
    // client_id it replicated into the protected header. Forging that header only lets a
    // caller revoke a token whose jti it already holds.
    const bytes = decodeBase64url(segments[0]!);
    let header: Record<string, unknown>;
    try {
      header = bytes ? (JSON.parse(bytes.toString('utf8')) as Record<string, unknown>) : {};
    } catch {
      return null;
    }
    const { jti, exp, client_id: clientId } = header;
    if (typeof jti !== 'string' || typeof exp !== 'number' || typeof clientId !== 'string' || jti.length === 0 || jti.length > 200) return null;
    // Encrypted tokens are only issued to applications, whose tenant is the caller's when client_id matches.
    if (callerTenant === null) return null;
    return { tenantId: callerTenant, jti, clientId, exp };
  }
}

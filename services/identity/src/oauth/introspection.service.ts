import { Inject, Injectable } from '@nestjs/common';
import { isTokenError, type TokenVerifier, type VerifiedToken } from '@gatehouse/auth';
import { SubscriptionIndex } from '../catalog/subscription-index';
import { TOKEN_VERIFIER } from '../tokens/token-verifier.provider';
import { REFRESH_TOKEN_PREFIX, RefreshTokensService } from '../tokens/refresh-tokens.service';
import { type AuthenticatedClient, CLI_CLIENT_ID } from './client-authenticator';

export type IntrospectionResponse = { active: false } | ({ active: true } & Record<string, unknown>);

const INACTIVE: IntrospectionResponse = { active: false };

/**
 * RFC 7662. Access tokens are verified exactly as a gateway would (signature, lifetime,
 * revocations, application status) and are only described to the client they were issued to,
 * or to an application of the team that owns one of their audiences (the resource server's
 * side, RFC 7662 section 4); to anyone else they are inactive, member tokens included.
 * Refresh tokens are only described to the client they were issued to. Encrypted tokens are
 * opaque to identity (only the gateway holds their key), so they introspect as inactive.
 */
@Injectable()
export class IntrospectionService {
  constructor(
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    private readonly refreshTokens: RefreshTokensService,
    private readonly catalog: SubscriptionIndex,
  ) {}

  async introspect(caller: AuthenticatedClient, token: string): Promise<IntrospectionResponse> {
    const callerId = caller.kind === 'cli' ? CLI_CLIENT_ID : caller.client.id;
    if (token.startsWith(REFRESH_TOKEN_PREFIX)) {
      const row = await this.refreshTokens.inspect(token, callerId);
      if (!row) return INACTIVE;
      return {
        active: true,
        token_type: 'refresh_token',
        client_id: row.clientId,
        sub: row.subject,
        tenant: row.tenantId,
        aud: row.audiences,
        ...(row.scope ? { scope: row.scope } : {}),
        iat: Math.floor(row.issuedAt.getTime() / 1000),
        exp: Math.floor(row.expiresAt.getTime() / 1000),
      };
    }
    if (caller.kind !== 'application' || token.split('.').length !== 3) return INACTIVE;
    try {
      const verified = this.verifier.verify(token);
      if (!this.mayDescribe(caller.client, verified)) return INACTIVE;
      return {
        active: true,
        token_type: 'Bearer',
        iss: verified.issuer,
        sub: verified.subject,
        aud: verified.audience.length === 1 ? verified.audience[0] : verified.audience,
        client_id: verified.clientId,
        tenant: verified.tenant,
        ...(verified.scopes.length > 0 ? { scope: verified.scopes.join(' ') } : {}),
        iat: verified.issuedAt,
        exp: verified.expiresAt,
        jti: verified.jti,
        ...(verified.claims.act !== undefined ? { act: verified.claims.act } : {}),
      };
    } catch (error) {
      if (isTokenError(error)) return INACTIVE;
      throw error;
    }
  }

  private mayDescribe(caller: { id: string; tenantId: string; teamId: string }, token: VerifiedToken): boolean {
    if (token.tenant !== caller.tenantId) return false;
    if (token.clientId === caller.id) return true;
    return token.audience.some((audience) => {
      const api = this.catalog.apiByAudience(audience);
      return api !== null && api.tenantId === caller.tenantId && api.teamId === caller.teamId;
    });
  }
}

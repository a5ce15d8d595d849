import { Inject, Injectable } from '@nestjs/common';
import { isTokenError, type TokenVerifier, type VerifiedToken } from '@gatehouse/auth';
import { SubscriptionIndex } from '../../catalog/subscription-index';
import { Clock } from '../../common/clock';
import type { IdentityConfig } from '../../config/identity-config';
import { IDENTITY_CONFIG } from '../../core/identity-core.module';
import { AccessTokenIssuer } from '../../tokens/access-token.issuer';
import { TOKEN_VERIFIER } from '../../tokens/token-verifier.provider';
import type { AuthenticatedClient } from '../client-authenticator';
import { type FormParams, parseScope } from '../form';
import { decideGrant } from '../grant-policy';
import { invalidGrant, invalidRequest, unauthorizedClient } from '../oauth-error';
import { type TokenResponse, tokenResponse } from './token-response';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const MAX_ACT_DEPTH = 5;

/**
 * RFC 8693 delegation for service chains: an application of the team that owns an API may
 * exchange an access token presented to that API for a token to an API it subscribes to
 * itself. The new token keeps the subject, names the application in `act` (nesting earlier
 * actors), and never carries a scope the presented token lacked.
 */
@Injectable()
export class TokenExchangeGrant {
  constructor(
    private readonly index: SubscriptionIndex,
    private readonly issuer: AccessTokenIssuer,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    private readonly clock: Clock,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {}

  async handle(authenticated: AuthenticatedClient, form: FormParams): Promise<TokenResponse> {
    if (authenticated.kind !== 'application') throw unauthorizedClient('token exchange needs a confidential client');
    const client = authenticated.client;
    const subjectToken = form.required('subject_token');
    const subjectTokenType = form.required('subject_token_type');
    if (subjectTokenType !== ACCESS_TOKEN_TYPE) throw invalidRequest(`subject_token_type must be ${ACCESS_TOKEN_TYPE}`);
    const requestedType = form.optional('requested_token_type');
    if (requestedType !== undefined && requestedType !== ACCESS_TOKEN_TYPE) throw invalidRequest(`requested_token_type must be ${ACCESS_TOKEN_TYPE}`);
    if (form.has('actor_token') || form.has('actor_token_type')) throw invalidRequest('actor tokens are not supported; the authenticated client is the actor');
    if (form.has('audience')) throw invalidRequest('name the target with resource (RFC 8707), not audience');
    const subject = this.verify(subjectToken);
    if (subject.tenant !== client.tenantId) throw invalidGrant('the subject token belongs to another tenant');
    const ownsAudience = subject.audience.some((audience) => {
      const api = this.index.apiByAudience(audience);
      return api !== null && api.tenantId === client.tenantId && api.teamId === client.teamId;
    });
    if (!ownsAudience) throw invalidGrant("the subject token was not issued for an API of the client's team");
    const previousActor = subject.claims.act;
    if (depthOf(previousActor) >= MAX_ACT_DEPTH) throw invalidGrant('the delegation chain is too long');
    const decision = decideGrant(this.index, client, form.all('resource'), parseScope(form.optional('scope')), new Set(subject.scopes));
    const issued = await this.issuer.issue({
      tenantId: client.tenantId,
      subject: subject.subject,
      clientId: client.id,
      audiences: decision.audiences,
      scopes: decision.scopes,
      ttlSeconds: Math.min(this.config.ACCESS_TOKEN_TTL_SECONDS, Math.max(1, subject.expiresAt - this.clock.seconds())),
      encrypt: decision.encrypt,
      claims: { act: previousActor === undefined ? { sub: client.id } : { sub: client.id, act: previousActor } },
    });
    return tokenResponse(issued, decision.scopes, { issued_token_type: ACCESS_TOKEN_TYPE });
  }

  private verify(token: string): VerifiedToken {
    if (token.split('.').length === 5) throw invalidGrant('encrypted subject tokens cannot be exchanged (only the gateway can read them)');
    try {
      return this.verifier.verify(token);
    } catch (error) {
      if (isTokenError(error)) throw invalidGrant(`the subject token is not valid: ${error.message}`);
      throw error;
    }
  }
}

function depthOf(act: unknown): number {
  let depth = 0;
  let current = act;
  while (typeof current === 'object' && current !== null && depth <= MAX_ACT_DEPTH) {
    depth += 1;
    current = (current as { act?: unknown }).act;
  }
  return depth;
}

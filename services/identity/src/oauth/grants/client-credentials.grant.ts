import { Inject, Injectable } from '@nestjs/common';
import { SubscriptionIndex } from '../../catalog/subscription-index';
import type { IdentityConfig } from '../../config/identity-config';
import { IDENTITY_CONFIG } from '../../core/identity-core.module';
import { AccessTokenIssuer } from '../../tokens/access-token.issuer';
import type { AuthenticatedClient } from '../client-authenticator';
import { type FormParams, parseScope } from '../form';
import { decideGrant } from '../grant-policy';
import { unauthorizedClient } from '../oauth-error';
import { type TokenResponse, tokenResponse } from './token-response';

/** RFC 6749 section 4.4: the application gets a token for itself; no refresh token (4.4.3). */
@Injectable()
export class ClientCredentialsGrant {
  constructor(
    private readonly index: SubscriptionIndex,
    private readonly issuer: AccessTokenIssuer,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {}

  async handle(authenticated: AuthenticatedClient, form: FormParams): Promise<TokenResponse> {
    if (authenticated.kind !== 'application') throw unauthorizedClient('the client_credentials grant needs a confidential client');
    const client = authenticated.client;
    const decision = decideGrant(this.index, client, form.all('resource'), parseScope(form.optional('scope')));
    const issued = await this.issuer.issue({
      tenantId: client.tenantId,
      subject: client.id,
      clientId: client.id,
      audiences: decision.audiences,
      scopes: decision.scopes,
      ttlSeconds: this.config.ACCESS_TOKEN_TTL_SECONDS,
      encrypt: decision.encrypt,
    });
    return tokenResponse(issued, decision.scopes);
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { IdentityConfig } from '../config/identity-config';
import { IDENTITY_CONFIG } from '../core/identity-core.module';
import type { Caller } from './caller';
import { ClientAuthenticator } from './client-authenticator';
import { oauthEndpoints } from './endpoints';
import type { FormParams } from './form';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { PasswordGrant } from './grants/password.grant';
import { RefreshTokenGrant } from './grants/refresh-token.grant';
import { TOKEN_EXCHANGE_GRANT, TokenExchangeGrant } from './grants/token-exchange.grant';
import type { TokenResponse } from './grants/token-response';
import { OAuthError, unsupportedGrantType } from './oauth-error';
import { TokenMetrics } from './token-metrics';

/** A compact JWE has five parts, a JWS three (counted without splitting the token). */
function isNestedJwe(token: string): boolean {
  let dots = 0;
  for (let at = token.indexOf('.'); at !== -1; at = token.indexOf('.', at + 1)) dots += 1;
  return dots === 4;
}

const grantTypes = new Set(['client_credentials', 'refresh_token', 'password', TOKEN_EXCHANGE_GRANT]);

/** The token endpoint's logic, shared by the Nest route and the node:http fast path. */
@Injectable()
export class TokenEndpoint {
  private readonly url: string;

  constructor(
    private readonly authenticator: ClientAuthenticator,
    private readonly clientCredentials: ClientCredentialsGrant,
    private readonly password: PasswordGrant,
    private readonly refresh: RefreshTokenGrant,
    private readonly exchange: TokenExchangeGrant,
    private readonly metrics: TokenMetrics,
    @Inject(IDENTITY_CONFIG) config: IdentityConfig,
  ) {
    this.url = oauthEndpoints(config.TOKEN_ISSUER).token;
  }

  async handle(caller: Caller, form: FormParams): Promise<TokenResponse> {
    let grantType = 'unknown';
    try {
      grantType = form.required('grant_type');
      if (!grantTypes.has(grantType)) throw unsupportedGrantType('grant_type must be client_credentials, refresh_token, password or token-exchange');
      const response = await this.grant(grantType, caller, form);
      this.metrics.issue(grantType === TOKEN_EXCHANGE_GRANT ? 'token-exchange' : grantType, isNestedJwe(response.access_token));
      return response;
    } catch (error) {
      if (error instanceof OAuthError) this.metrics.refuse(grantTypes.has(grantType) ? (grantType === TOKEN_EXCHANGE_GRANT ? 'token-exchange' : grantType) : 'unknown', error.error);
      throw error;
    }
  }

  private async grant(grantType: string, caller: Caller, form: FormParams): Promise<TokenResponse> {
    const client = await this.authenticator.authenticate(caller, form, this.url);
    if (grantType === 'client_credentials') return this.clientCredentials.handle(client, form);
    if (grantType === 'refresh_token') return this.refresh.handle(client, form);
    if (grantType === 'password') return this.password.handle(client, form, caller);
    return this.exchange.handle(client, form);
  }
}

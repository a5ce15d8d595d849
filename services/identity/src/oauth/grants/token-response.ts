import type { IssuedAccessToken } from '../../tokens/access-token.issuer';

/** RFC 6749 section 5.1 (plus RFC 8693 `issued_token_type`). */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope?: string;
  refresh_token?: string;
  issued_token_type?: string;
}

export function tokenResponse(issued: IssuedAccessToken, scopes: readonly string[], extra: Pick<TokenResponse, 'refresh_token' | 'issued_token_type'> = {}): TokenResponse {
  return {
    access_token: issued.token,
    token_type: 'Bearer',
    expires_in: issued.expiresIn,
    ...(scopes.length > 0 ? { scope: scopes.join(' ') } : {}),
    ...extra,
  };
}

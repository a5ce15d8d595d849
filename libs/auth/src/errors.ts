/**
 * Stable codes for every reason a bearer token is refused. Each maps to an RFC 6750 error
 * and an HTTP status; none of them ever carries the token itself.
 */
export const tokenErrorCodes = {
  ERR_TOKEN_MISSING: { oauth: null, status: 401, description: 'No bearer token was presented' },
  ERR_TOKEN_MALFORMED: { oauth: 'invalid_token', status: 401, description: 'The token is malformed' },
  ERR_TOKEN_TOO_LARGE: { oauth: 'invalid_token', status: 401, description: 'The token is too large' },
  ERR_TOKEN_ALG: { oauth: 'invalid_token', status: 401, description: 'The token algorithm is not allowed' },
  ERR_TOKEN_HEADER: { oauth: 'invalid_token', status: 401, description: 'The token header carries a forbidden parameter' },
  ERR_TOKEN_TYPE: { oauth: 'invalid_token', status: 401, description: 'The token type is not an access token' },
  ERR_TOKEN_CRIT: { oauth: 'invalid_token', status: 401, description: 'The token requires an unsupported extension' },
  ERR_TOKEN_KID_UNKNOWN: { oauth: 'invalid_token', status: 401, description: 'The token key is unknown' },
  ERR_TOKEN_KEY_REVOKED: { oauth: 'invalid_token', status: 401, description: 'The token key was revoked' },
  ERR_TOKEN_KEY_RETIRED: { oauth: 'invalid_token', status: 401, description: 'The token key is no longer valid' },
  ERR_TOKEN_SIGNATURE: { oauth: 'invalid_token', status: 401, description: 'The token signature is invalid' },
  ERR_TOKEN_DECRYPTION: { oauth: 'invalid_token', status: 401, description: 'The token could not be decrypted' },
  ERR_TOKEN_CLAIMS: { oauth: 'invalid_token', status: 401, description: 'The token claims are invalid' },
  ERR_TOKEN_EXPIRED: { oauth: 'invalid_token', status: 401, description: 'The token has expired' },
  ERR_TOKEN_NOT_YET_VALID: { oauth: 'invalid_token', status: 401, description: 'The token is not valid yet' },
  ERR_TOKEN_ISSUER: { oauth: 'invalid_token', status: 401, description: 'The token issuer is not trusted' },
  ERR_TOKEN_AUDIENCE: { oauth: 'invalid_token', status: 401, description: 'The token is not meant for this audience' },
  ERR_TOKEN_REVOKED: { oauth: 'invalid_token', status: 401, description: 'The token was revoked' },
  ERR_TOKEN_ENCRYPTION_REQUIRED: { oauth: 'invalid_token', status: 401, description: 'An encrypted token is required' },
  ERR_TOKEN_SCOPE: { oauth: 'insufficient_scope', status: 403, description: 'The token lacks the required scope' },
} as const satisfies Record<string, { oauth: BearerErrorName | null; status: 401 | 403; description: string }>;

/** RFC 6750 section 3.1 error names used in `WWW-Authenticate: Bearer`. */
export type BearerErrorName = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

/** One of the stable `ERR_TOKEN_*` codes. */
export type TokenErrorCode = keyof typeof tokenErrorCodes;

/** A bearer token was refused. `message` is for logs and never contains the token. */
export class TokenError extends Error {
  override readonly name = 'TokenError';
  /** The RFC 6750 error, or null when no token was presented at all. */
  readonly oauthError: BearerErrorName | null;
  /** 401, or 403 for `insufficient_scope`. */
  readonly status: 401 | 403;

  constructor(
    readonly code: TokenErrorCode,
    message: string = tokenErrorCodes[code].description,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.oauthError = tokenErrorCodes[code].oauth;
    this.status = tokenErrorCodes[code].status;
  }
}

/** Narrows an unknown error to a TokenError. */
export function isTokenError(value: unknown): value is TokenError {
  return value instanceof TokenError;
}

/** Extra auth-params of a Bearer challenge. */
export interface BearerChallengeOptions {
  /** `realm` auth-param; omitted when not given. */
  realm?: string;
  /** Space-separated scopes the resource needs, for `insufficient_scope`. */
  scope?: string;
}

const quotable = /^[\x20\x21\x23-\x5B\x5D-\x7E]*$/;

function quoted(name: string, value: string): string {
  if (!quotable.test(value)) throw new TypeError(`${name} contains characters not allowed in a WWW-Authenticate parameter`);
  return `${name}="${value}"`;
}

/**
 * The `WWW-Authenticate` value for a refused request (RFC 6750 section 3). The description
 * is the fixed text of the error code, so nothing from the request is ever echoed. Without
 * an error (or for `ERR_TOKEN_MISSING`) only the scheme and realm are sent, as the RFC asks.
 */
export function bearerChallenge(error?: TokenError | TokenErrorCode | null, options: BearerChallengeOptions = {}): string {
  const params: string[] = [];
  if (options.realm !== undefined) params.push(quoted('realm', options.realm));
  const code = error == null ? null : typeof error === 'string' ? error : error.code;
  const spec = code === null ? null : tokenErrorCodes[code];
  if (spec?.oauth) {
    params.push(quoted('error', spec.oauth), quoted('error_description', spec.description));
    if (spec.oauth === 'insufficient_scope' && options.scope !== undefined) params.push(quoted('scope', options.scope));
  }
  return params.length ? `Bearer ${params.join(', ')}` : 'Bearer';
}

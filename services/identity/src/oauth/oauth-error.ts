export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'unsupported_token_type'
  | 'temporarily_unavailable'
  | 'server_error';

/** An RFC 6749 section 5.2 error answer: `{ error, error_description }` with its status and headers. */
export class OAuthError extends Error {
  override readonly name = 'OAuthError';

  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly status = 400,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(description);
  }
}

export const BASIC_CHALLENGE = 'Basic realm="gatehouse"';

export const invalidRequest = (description: string, status = 400) => new OAuthError('invalid_request', description, status);
export const invalidGrant = (description: string) => new OAuthError('invalid_grant', description);
export const invalidScope = (description: string) => new OAuthError('invalid_scope', description);
export const invalidTarget = (description: string) => new OAuthError('invalid_target', description);
export const unauthorizedClient = (description: string) => new OAuthError('unauthorized_client', description);
export const unsupportedGrantType = (description: string) => new OAuthError('unsupported_grant_type', description);
export const temporarilyUnavailable = (description: string) => new OAuthError('temporarily_unavailable', description, 503, { 'Retry-After': '1' });

/** Same answer for an unknown client and a wrong credential; 401, with a Basic challenge when Basic was used. */
export const invalidClient = (basic: boolean, description = 'client authentication failed') =>
  new OAuthError('invalid_client', description, 401, basic ? { 'WWW-Authenticate': BASIC_CHALLENGE } : {});

/** Too many failed attempts: 429 with Retry-After; the body stays an OAuth error (invalid_client). */
export const tooManyAttempts = (retryAfterSeconds: number) =>
  new OAuthError('invalid_client', `too many failed authentication attempts; retry after ${retryAfterSeconds} s`, 429, { 'Retry-After': String(retryAfterSeconds) });

import { hash } from 'node:crypto';
import { bearerChallenge, TokenError, type TokenErrorCode, tokenErrorCodes, type TokenVerifier } from '@gatehouse/auth';
import { type Rejection, rejection, rejections } from '../http/rejections';
import type { Exchange } from '../server/exchange';
import type { GatewayState } from '../state/gateway-state';

const REALM = 'gatehouse';
const missingChallenge = ['www-authenticate', bearerChallenge(null, { realm: REALM })];
const apiKeyChallenge = ['www-authenticate', `ApiKey realm="${REALM}"`];

/** One prebuilt rejection per token error code: fixed description, never the token. */
const tokenRejections = new Map<TokenErrorCode, Rejection>(
  (Object.keys(tokenErrorCodes) as TokenErrorCode[]).map((code) => {
    const spec = tokenErrorCodes[code];
    return [code, rejection(spec.status, spec.oauth ?? 'unauthorized', spec.description, ['www-authenticate', bearerChallenge(code, { realm: REALM })])];
  }),
);

const credentialsMissing = rejection(rejections.credentialsMissing.status, rejections.credentialsMissing.code, rejections.credentialsMissing.message, missingChallenge);
const apiKeyInvalid = rejection(rejections.apiKeyInvalid.status, rejections.apiKeyInvalid.code, rejections.apiKeyInvalid.message, apiKeyChallenge);
const malformedAuthorization = tokenRejections.get('ERR_TOKEN_MALFORMED')!;

export interface AuthenticationDeps {
  readonly verifier: TokenVerifier;
  readonly state: GatewayState;
  readonly now: () => number;
}

/**
 * Establishes who is calling: a bearer access token (JWS or nested JWE, verified against the
 * route's audience and encryption policy through the verified-token cache) or an API key
 * (`x-api-key`, or `Authorization: ApiKey …`, looked up by SHA-256). Public routes skip it.
 */
export function authenticate(exchange: Exchange, deps: AuthenticationDeps): Rejection | null {
  const route = exchange.route!;
  if (route.isPublic) {
    exchange.tenantId = route.tenantId;
    return null;
  }
  const headers = exchange.req.headers;
  const authorization = headers.authorization;
  let bearer: string | null = null;
  let apiKey: string | null = null;
  if (authorization !== undefined) {
    const space = authorization.indexOf(' ');
    const scheme = space === -1 ? authorization : authorization.slice(0, space);
    const credential = space === -1 ? '' : authorization.slice(space + 1);
    if (scheme.length === 6 && scheme.toLowerCase() === 'bearer') bearer = credential;
    else if (scheme.length === 6 && scheme.toLowerCase() === 'apikey') apiKey = credential;
    else return malformedAuthorization;
  } else {
    const header = headers['x-api-key'];
    if (typeof header === 'string') apiKey = header;
  }
  if (bearer !== null) return route.acceptsBearer ? verifyBearer(exchange, bearer, deps) : rejections.bearerNotAccepted;
  if (apiKey !== null) return route.acceptsApiKey ? verifyApiKey(exchange, apiKey, deps) : rejections.apiKeyNotAccepted;
  return route.acceptsBearer ? credentialsMissing : rejections.credentialsMissing;
}

function verifyBearer(exchange: Exchange, token: string, deps: AuthenticationDeps): Rejection | null {
  const route = exchange.route!;
  try {
    const verified = deps.verifier.verify(token, { audience: route.audience, requireEncrypted: route.requireEncrypted });
    exchange.authMethod = 'bearer';
    exchange.tenantId = verified.tenant;
    exchange.applicationId = verified.clientId;
    exchange.subject = verified.subject;
    exchange.scopes = verified.scopes;
    return null;
  } catch (error) {
    if (error instanceof TokenError) return tokenRejections.get(error.code) ?? malformedAuthorization;
    return malformedAuthorization;
  }
}

function verifyApiKey(exchange: Exchange, key: string, deps: AuthenticationDeps): Rejection | null {
  if (key.length < 8 || key.length > 512) return apiKeyInvalid;
  const record = deps.state.apiKeyByHash(hash('sha256', key, 'hex'));
  if (record === undefined) return apiKeyInvalid;
  if (record.expiresAt !== null && deps.now() >= Date.parse(record.expiresAt)) return apiKeyInvalid;
  exchange.authMethod = 'api_key';
  exchange.tenantId = record.tenantId;
  exchange.applicationId = record.applicationId;
  exchange.scopes = record.scopes;
  return null;
}

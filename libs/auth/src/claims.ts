import { TokenError } from './errors';
import type { SigningAlgorithm } from './key-material';
import type { VerifiedToken } from './verified-token';

export interface ClaimContext {
  readonly issuers: ReadonlySet<string>;
  readonly now: number;
  readonly skewMs: number;
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  /** Tenant the signing key belongs to; null for platform keys, which may sign for any tenant. */
  readonly keyTenant: string | null;
  readonly encryptionKid: string | null;
}

const requiredString = (payload: Record<string, unknown>, name: string): string => {
  const value = payload[name];
  if (typeof value !== 'string' || value.length === 0) throw new TokenError('ERR_TOKEN_CLAIMS', `claim ${name} is required and must be a non-empty string`);
  return value;
};

const numericDate = (payload: Record<string, unknown>, name: string, required: boolean): number | null => {
  const value = payload[name];
  if (value === undefined && !required) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TokenError('ERR_TOKEN_CLAIMS', `claim ${name} ${required ? 'is required and ' : ''}must be a NumericDate`);
  return value;
};

function audienceOf(payload: Record<string, unknown>): readonly string[] {
  const aud = payload.aud;
  if (typeof aud === 'string' && aud.length > 0) return Object.freeze([aud]);
  if (Array.isArray(aud) && aud.length > 0 && aud.every((entry) => typeof entry === 'string' && entry.length > 0)) return Object.freeze([...aud]);
  throw new TokenError('ERR_TOKEN_CLAIMS', 'claim aud is required and must be a string or a non-empty array of strings');
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}

/** Checks the RFC 9068 claims of a verified payload and builds the frozen VerifiedToken. */
export function checkClaims(payload: Record<string, unknown>, context: ClaimContext): VerifiedToken {
  if (typeof payload.iss !== 'string' || !context.issuers.has(payload.iss)) throw new TokenError('ERR_TOKEN_ISSUER');
  const subject = requiredString(payload, 'sub');
  const jti = requiredString(payload, 'jti');
  const clientId = requiredString(payload, 'client_id');
  const tenant = requiredString(payload, 'tenant');
  const audience = audienceOf(payload);
  const expiresAt = numericDate(payload, 'exp', true)!;
  const issuedAt = numericDate(payload, 'iat', true)!;
  const notBefore = numericDate(payload, 'nbf', false);
  if (payload.scope !== undefined && typeof payload.scope !== 'string') throw new TokenError('ERR_TOKEN_CLAIMS', 'claim scope must be a space-separated string');
  if (expiresAt * 1000 <= context.now - context.skewMs) throw new TokenError('ERR_TOKEN_EXPIRED');
  if (issuedAt * 1000 > context.now + context.skewMs) throw new TokenError('ERR_TOKEN_NOT_YET_VALID', 'token iat is in the future');
  if (notBefore !== null && notBefore * 1000 > context.now + context.skewMs) throw new TokenError('ERR_TOKEN_NOT_YET_VALID');
  if (context.keyTenant !== null && context.keyTenant !== tenant) throw new TokenError('ERR_TOKEN_CLAIMS', "claim tenant differs from the signing key's tenant");
  const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter((entry) => entry.length > 0) : [];
  return Object.freeze({
    issuer: payload.iss,
    subject,
    audience,
    clientId,
    tenant,
    jti,
    scopes: Object.freeze(scopes),
    issuedAt,
    expiresAt,
    notBefore,
    kid: context.kid,
    alg: context.alg,
    encrypted: context.encryptionKid !== null,
    encryptionKid: context.encryptionKid,
    claims: deepFreeze(payload),
  });
}

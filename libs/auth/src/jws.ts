import { verify as verifySignature } from 'node:crypto';
import { signingAlgorithms } from '@gatehouse/contracts';
import { decodeBase64url, decodeJsonObject, parseJsonObject } from './base64url';
import { TokenError } from './errors';
import { checkCommonHeader, kidOf, mediaTypeIs } from './jose-header';
import type { SignatureKey } from './key-material';
import type { RingKey, VerificationKeyRing } from './key-ring';

const allowedAlgorithms: ReadonlySet<string> = new Set(signingAlgorithms);

export interface VerifiedJws {
  readonly key: RingKey<SignatureKey>;
  readonly payload: Record<string, unknown>;
}

/**
 * Verifies a compact JWS access token: header checks first (algorithm allow-list, no remote
 * keys, no `crit`, no `b64`, no `zip`, `typ` at+jwt), then the key from the local ring whose
 * single algorithm must equal the header's, then the signature with node:crypto, and only
 * then the payload is parsed.
 */
export function verifyJws(token: string, keys: VerificationKeyRing, now: number, counters?: { signatureChecks: number }): VerifiedJws {
  const first = token.indexOf('.');
  const last = token.lastIndexOf('.');
  if (first <= 0 || last === first || token.indexOf('.', first + 1) !== last) throw new TokenError('ERR_TOKEN_MALFORMED', 'a signed token has exactly three segments');
  const header = decodeJsonObject(token.slice(0, first));
  if (header === null) throw new TokenError('ERR_TOKEN_MALFORMED', 'token header is not base64url-encoded JSON object');
  if (typeof header.alg !== 'string' || !allowedAlgorithms.has(header.alg)) throw new TokenError('ERR_TOKEN_ALG', 'token alg is not one of ES256, EdDSA, RS256, PS256');
  checkCommonHeader(header);
  if (header.b64 !== undefined) throw new TokenError('ERR_TOKEN_HEADER', 'token header carries "b64"; unencoded payloads are not accepted');
  if (header.zip !== undefined) throw new TokenError('ERR_TOKEN_HEADER', 'token header carries "zip"; compression is not accepted');
  if (!mediaTypeIs(header.typ, 'at+jwt')) throw new TokenError('ERR_TOKEN_TYPE', 'token typ must be at+jwt');
  const key = keys.resolve(kidOf(header), now);
  const material = key.material;
  if (header.alg !== material.alg) throw new TokenError('ERR_TOKEN_ALG', `token alg differs from the ${material.alg} its key is bound to`);
  const signature = decodeBase64url(token.slice(last + 1));
  if (signature === null) throw new TokenError('ERR_TOKEN_MALFORMED', 'token signature is not base64url');
  if (signature.length !== material.signatureLength) throw new TokenError('ERR_TOKEN_SIGNATURE', 'token signature has the wrong length');
  const payloadBytes = decodeBase64url(token.slice(first + 1, last));
  if (payloadBytes === null) throw new TokenError('ERR_TOKEN_MALFORMED', 'token payload is not base64url');
  let valid: boolean;
  if (counters) counters.signatureChecks += 1;
  try {
    valid = verifySignature(material.digest, Buffer.from(token.slice(0, last), 'latin1'), material.verifyKey, signature);
  } catch (error) {
    throw new TokenError('ERR_TOKEN_SIGNATURE', 'token signature is invalid', { cause: error });
  }
  if (!valid) throw new TokenError('ERR_TOKEN_SIGNATURE', 'token signature is invalid');
  const payload = parseJsonObject(payloadBytes);
  if (payload === null) throw new TokenError('ERR_TOKEN_MALFORMED', 'token payload is not a JSON object');
  return { key, payload };
}

import { TokenError } from './errors';

/** Header members that point at keys outside the local ring (RFC 8725 section 3.10). */
const remoteKeyMembers = ['jku', 'x5u', 'jwk', 'x5c'] as const;

/** Checks shared by JWS and JWE protected headers: no remote keys, no extensions. */
export function checkCommonHeader(header: Record<string, unknown>): void {
  for (const member of remoteKeyMembers) {
    if (header[member] !== undefined) throw new TokenError('ERR_TOKEN_HEADER', `token header carries "${member}"; keys come only from the local key ring`);
  }
  if (header.crit !== undefined) throw new TokenError('ERR_TOKEN_CRIT', 'token header lists critical extensions; none are supported');
}

/** The `kid` member, which must be a non-empty string; it is only ever a Map key. */
export function kidOf(header: Record<string, unknown>): string {
  const kid = header.kid;
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > 256) throw new TokenError('ERR_TOKEN_KID_UNKNOWN', 'token header has no usable kid');
  return kid;
}

/** Case-insensitive media type comparison, with or without the `application/` prefix (RFC 7515 4.1.9). */
export function mediaTypeIs(value: unknown, ...accepted: string[]): boolean {
  if (typeof value !== 'string') return false;
  const lower = value.toLowerCase();
  const short = lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
  return accepted.includes(short);
}

import type { JsonWebKey } from 'node:crypto';
import { deflateRawSync, deflateSync } from 'node:zlib';
import { attackerKey, b64u, decodeSegment, foreignEpk, hmacWith, jweShape, jweTo, jws, publicKeyEncodings, segment, signWith } from './token-forge';

/** Real material the corpus mutates: tokens identity issued, and the public JWKS. */
export interface CorpusMaterial {
  /** An access token (JWS) of tenant A's application for the API under test. */
  readonly legit: string;
  /** Another one, with another jti. */
  readonly otherLegit: string;
  /** An access token of the same application for an API that requires encryption (a JWE). */
  readonly legitEncrypted: string;
  /** A member (admin audience) access token and its refresh token. */
  readonly memberToken: string;
  readonly refreshToken: string;
  /** Tenant B's access token for its own API. */
  readonly tenantBToken: string;
  readonly apiKey: string;
  readonly clientSecret: string;
  readonly bootstrapToken: string;
  /** Public JWKs from the keys service: the key that signed `legit`, and the gateway's encryption key. */
  readonly signingJwk: JsonWebKey & { kid: string; alg: string };
  readonly otherSigningJwk: (JsonWebKey & { kid: string; alg: string }) | null;
  readonly encryptionJwk: JsonWebKey & { kid: string };
  /** URL of a server that counts every fetch (a verifier must never fetch `jku`/`x5u`). */
  readonly trapUrl: string;
}

export interface TokenCase {
  readonly group: string;
  readonly name: string;
  /** The whole `Authorization` header value. */
  readonly authorization: string;
  /** The RFC 6750 error_description the gateway must give, when one defence is meant. */
  readonly description?: string;
  /** A real, valid credential of another kind: admin APIs accept it (it is theirs); introspection describes it only to its own client or its audience's team. */
  readonly validElsewhere?: { admin: boolean; introspection: boolean };
}

const D = {
  alg: 'The token algorithm is not allowed',
  header: 'The token header carries a forbidden parameter',
  type: 'The token type is not an access token',
  crit: 'The token requires an unsupported extension',
  kid: 'The token key is unknown',
  signature: 'The token signature is invalid',
  malformed: 'The token is malformed',
  tooLarge: 'The token is too large',
  audience: 'The token is not meant for this audience',
  decryption: 'The token could not be decrypted',
  encryptionRequired: 'An encrypted token is required',
} as const;

/** Every forged or malformed token of RFC 8725 and the usual JWT attack tool lists, from real material. */
export function tokenCorpus(m: CorpusMaterial): TokenCase[] {
  const cases: TokenCase[] = [];
  const add = (group: string, name: string, token: string, description?: string) => cases.push({ group, name, authorization: `Bearer ${token}`, ...(description ? { description } : {}) });
  const [h, p, s] = m.legit.split('.') as [string, string, string];
  const header = decodeSegment(h);
  const payload = decodeSegment(p);
  const kid = m.signingJwk.kid;
  const es256 = attackerKey('ES256');
  const rs256 = attackerKey('RS256');
  const ed25519 = attackerKey('EdDSA');

  // alg none in every casing, with and without a signature; RS/HS confusion with the real public key.
  for (const none of ['none', 'None', 'NONE', 'nOnE']) {
    add('algorithm', `alg ${none}, empty signature`, jws({ ...header, alg: none }, payload, ''), D.alg);
    add('algorithm', `alg ${none}, original signature kept`, jws({ ...header, alg: none }, payload, s), D.alg);
  }
  add('algorithm', 'alg none without kid or typ', jws({ alg: 'none' }, payload, ''), D.alg);
  add('algorithm', 'alg missing', jws({ typ: 'at+jwt', kid }, payload, s), D.alg);
  add('algorithm', 'alg empty', jws({ ...header, alg: '' }, payload, s), D.alg);
  add('algorithm', 'alg as an array', jws({ ...header, alg: ['ES256'] }, payload, s), D.alg);
  for (const [encoding, secret] of Object.entries(publicKeyEncodings(m.signingJwk))) {
    add('algorithm', `HS256 keyed with the real public key (${encoding})`, jws({ ...header, alg: 'HS256' }, payload, hmacWith('HS256', secret)), D.alg);
  }
  add('algorithm', 'HS384 keyed with the real public key PEM', jws({ ...header, alg: 'HS384' }, payload, hmacWith('HS384', publicKeyEncodings(m.signingJwk)['SPKI PEM']!)), D.alg);
  add('algorithm', 'HS512 keyed with an empty secret', jws({ ...header, alg: 'HS512' }, payload, hmacWith('HS512', '')), D.alg);
  for (const alg of ['ES256', 'RS256', 'PS256', 'EdDSA', 'ES384', 'ES512', 'RS512', 'ES256K'].filter((name) => name !== m.signingJwk.alg)) {
    add('algorithm', `alg switched to ${alg} on the real signature`, jws({ ...header, alg }, payload, s), D.alg);
  }

  // Keys from the token itself or from URLs it names: refused before any lookup, never fetched.
  const attackerClaims = { ...payload, sub: 'attacker', scope: 'read admin' };
  add('remote keys', 'jwk header with the attacker key', jws({ ...header, kid: es256.kid, jwk: es256.publicJwk }, attackerClaims, signWith(es256)), D.header);
  add('remote keys', 'jwk header with the attacker key under the real kid', jws({ ...header, jwk: es256.publicJwk }, attackerClaims, signWith(es256)), D.header);
  add('remote keys', 'jku to an attacker JWKS', jws({ ...header, kid: es256.kid, jku: `${m.trapUrl}/jwks.json` }, attackerClaims, signWith(es256)), D.header);
  add('remote keys', 'jku with the real kid', jws({ ...header, jku: `${m.trapUrl}/jwks.json` }, attackerClaims, signWith(es256)), D.header);
  add('remote keys', 'jku on the issuer host with a path trick', jws({ ...header, kid: es256.kid, jku: `${m.trapUrl}/.well-known/jwks.json?@issuer` }, attackerClaims, signWith(es256)), D.header);
  add('remote keys', 'x5u to an attacker certificate', jws({ ...header, kid: rs256.kid, alg: 'RS256', x5u: `${m.trapUrl}/cert.pem` }, attackerClaims, signWith(rs256)), D.header);
  add('remote keys', 'x5c with the attacker key', jws({ ...header, kid: rs256.kid, alg: 'RS256', x5c: [publicKeyEncodings(rs256.publicJwk)['SPKI DER']!.toString('base64')] }, attackerClaims, signWith(rs256)), D.header);
  add('remote keys', 'jwk set to null', jws({ ...header, jwk: null }, payload, s), D.header);
  add('remote keys', 'attacker ES256 key under its own kid', jws({ ...header, kid: es256.kid }, attackerClaims, signWith(es256)), D.kid);
  add('remote keys', 'attacker EdDSA key under its own kid', jws({ ...header, alg: 'EdDSA', kid: ed25519.kid }, attackerClaims, signWith(ed25519)), D.kid);
  add('remote keys', 'attacker RS256 key under its own kid', jws({ ...header, alg: 'RS256', kid: rs256.kid }, attackerClaims, signWith(rs256)), D.kid);
  if (m.signingJwk.alg === 'ES256') add('remote keys', 'attacker key under the real kid', jws(header, attackerClaims, signWith(es256)), D.signature);
  if (m.otherSigningJwk) add('remote keys', 'real signature under the pre-published kid', jws({ ...header, kid: m.otherSigningJwk.kid }, payload, s), D.signature);

  // kid is only ever a Map key: paths, SQL and prototype names find nothing.
  const kids: Array<[string, unknown]> = [
    ['path traversal', '../../../../../../dev/null'],
    ['absolute path', '/dev/null'],
    ['path to a key file', '../../keys/private.pem'],
    ['URL', `${m.trapUrl}/key`],
    ['SQL tautology', "' OR '1'='1"],
    ['SQL union', "x' UNION SELECT 'secret' --"],
    ['SQL stacked query', '1; DROP TABLE keys; --'],
    ['NUL byte', 'kid\u0000'],
    ['percent-encoded NUL', '%00'],
    ['empty', ''],
    ['space', ' '],
    ['300 characters', 'k'.repeat(300)],
    ['__proto__', '__proto__'],
    ['constructor', 'constructor'],
    ['toString', 'toString'],
    ['hasOwnProperty', 'hasOwnProperty'],
    ['a number', 12],
    ['null', null],
    ['an array', [kid]],
    ['an object', { kid }],
    ['shell command', '$(curl trap)|`id`'],
    ['the real kid with a suffix', `${kid}/../${kid}`],
    ['the real kid in upper case', kid.toUpperCase()],
  ];
  for (const [name, value] of kids) add('kid tricks', `kid ${name}`, jws({ ...header, kid: value }, attackerClaims, signWith(es256)), D.kid);
  add('kid tricks', 'kid missing', jws({ alg: header.alg, typ: header.typ }, attackerClaims, signWith(es256)), D.kid);
  add('kid tricks', 'HS256 with kid /dev/null and an empty secret', jws({ alg: 'HS256', typ: 'at+jwt', kid: '/dev/null' }, attackerClaims, hmacWith('HS256', '')), D.alg);
  add('kid tricks', 'HS256 with a SQL kid selecting a known secret', jws({ alg: 'HS256', typ: 'at+jwt', kid: "x' UNION SELECT 'known" }, attackerClaims, hmacWith('HS256', 'known')), D.alg);

  // Extensions, compression and token types.
  add('headers', 'unknown crit', jws({ ...header, crit: ['urn:attacker:ext'], 'urn:attacker:ext': true }, payload, s), D.crit);
  add('headers', 'crit naming exp', jws({ ...header, crit: ['exp'] }, payload, s), D.crit);
  add('headers', 'empty crit', jws({ ...header, crit: [] }, payload, s), D.crit);
  add('headers', 'b64 false under crit', jws({ ...header, b64: false, crit: ['b64'] }, payload, s), D.crit);
  add('headers', 'b64 false without crit', jws({ ...header, b64: false }, payload, s), D.header);
  add('headers', 'zip DEF on a signed token', jws({ ...header, zip: 'DEF' }, b64u(deflateRawSync(JSON.stringify(payload))), s), D.header);
  add('headers', 'typ JWT (a generic or ID token)', jws({ ...header, typ: 'JWT' }, payload, s), D.type);
  add('headers', 'typ application/jwt', jws({ ...header, typ: 'application/jwt' }, payload, s), D.type);
  add('headers', 'typ missing', jws({ alg: header.alg, kid }, payload, s), D.type);
  add('headers', 'typ logout+jwt', jws({ ...header, typ: 'logout+jwt' }, payload, s), D.type);
  add('headers', 'typ secevent+jwt', jws({ ...header, typ: 'secevent+jwt' }, payload, s), D.type);
  add('headers', 'typ dpop+jwt', jws({ ...header, typ: 'dpop+jwt' }, payload, s), D.type);
  add('headers', 'ID-token-like claims and typ JWT under an attacker key', jws({ alg: 'ES256', typ: 'JWT', kid: es256.kid }, { ...payload, nonce: 'n', azp: payload.client_id, auth_time: 1 }, signWith(es256)), D.type);
  add('headers', 'typ at+jwt with cty JWT (nested claim set)', jws({ ...header, cty: 'JWT' }, b64u(m.otherLegit), s), D.signature);

  // Nested and encrypted tokens, encrypted to the gateway's real public key as anyone can.
  const enc = m.encryptionJwk;
  add('nested tokens', 'JWE without cty around the real JWS', jweTo(enc, m.legit, { header: { cty: undefined } }), D.type);
  add('nested tokens', 'JWE with cty json around the real JWS', jweTo(enc, m.legit, { header: { cty: 'json' } }), D.type);
  add('nested tokens', 'JWE inside a JWE', jweTo(enc, jweTo(enc, m.legit)), D.malformed);
  add('nested tokens', 'JWE around the real JWE', jweTo(enc, m.legitEncrypted), D.malformed);
  add('nested tokens', 'JWE around a bare claim set', jweTo(enc, JSON.stringify(payload)), D.malformed);
  add('nested tokens', 'JWE around an alg none token', jweTo(enc, jws({ ...header, alg: 'none' }, payload, s)), D.alg);
  add('nested tokens', 'JWE around a token of the attacker key', jweTo(enc, jws({ ...header, kid: es256.kid }, attackerClaims, signWith(es256))), D.kid);
  add('nested tokens', 'JWE around a JWS with a tampered payload', jweTo(enc, `${h}.${segment(attackerClaims)}.${s}`), D.signature);
  const bomb = deflateRawSync(Buffer.alloc(5 * 1024 * 1024));
  add('nested tokens', `zip DEF bomb (${bomb.length} bytes inflating to 5 MiB)`, jweTo(enc, bomb, { header: { zip: 'DEF' } }), D.header);
  add('nested tokens', 'zip DEF around the real JWS', jweTo(enc, deflateSync(m.legit), { header: { zip: 'DEF' } }), D.header);
  add('nested tokens', 'PBES2 with 2^31 iterations', jweShape({ alg: 'PBES2-HS512+A256KW', enc: 'A256GCM', cty: 'JWT', kid: enc.kid, p2c: 2 ** 31, p2s: b64u(Buffer.alloc(16)) }), D.alg);
  add('nested tokens', 'PBES2-HS256 with 10^9 iterations', jweShape({ alg: 'PBES2-HS256+A128KW', enc: 'A128GCM', p2c: 1e9, p2s: 'AAAAAAAAAAAAAAAAAAAAAA' }), D.alg);
  for (const alg of ['dir', 'RSA1_5', 'RSA-OAEP', 'A256KW', 'ECDH-ES', 'ECDH-ES+A128KW', 'A256GCMKW', 'none']) {
    add('nested tokens', `JWE alg ${alg}`, jweShape({ alg, enc: 'A256GCM', cty: 'JWT', kid: enc.kid }), D.alg);
  }
  for (const encName of ['A128CBC-HS256', 'A256CBC-HS512', 'A128GCM', 'none']) {
    add('nested tokens', `JWE enc ${encName}`, jweShape({ alg: 'ECDH-ES+A256KW', enc: encName, cty: 'JWT', kid: enc.kid }), D.alg);
  }
  for (const kind of ['off-curve', 'P-384', 'X25519', 'zero'] as const) {
    add('nested tokens', `invalid-curve epk (${kind})`, jweTo(enc, m.legit, { epk: foreignEpk(kind) }), D.header);
  }
  add('nested tokens', 'epk missing', jweTo(enc, m.legit, { epk: null }), D.header);
  add('nested tokens', 'JWE with a jwk header', jweTo(enc, m.legit, { header: { jwk: es256.publicJwk } }), D.header);
  add('nested tokens', 'JWE with a jku header', jweTo(enc, m.legit, { header: { jku: `${m.trapUrl}/jwks.json` } }), D.header);
  add('nested tokens', 'JWE with crit', jweTo(enc, m.legit, { header: { crit: ['exp'] } }), D.crit);
  add('nested tokens', 'JWE to an unknown kid', jweTo({ ...enc, kid: 'attacker-enc' }, m.legit), D.kid);
  add('nested tokens', 'JWE to the signing kid', jweTo({ ...enc, kid }, m.legit), D.kid);
  const honest = jweTo(enc, m.legit).split('.');
  const flip = (text: string) => `${text.slice(0, -2)}${text.at(-2) === 'A' ? 'B' : 'A'}${text.at(-1)}`;
  add('nested tokens', 'JWE with a flipped tag bit', [...honest.slice(0, 4), flip(honest[4]!)].join('.'), D.decryption);
  add('nested tokens', 'JWE with a flipped ciphertext bit', [...honest.slice(0, 3), flip(honest[3]!), honest[4]].join('.'), D.decryption);
  add('nested tokens', 'JWE with a 16-byte iv', [...honest.slice(0, 2), b64u(Buffer.alloc(16)), ...honest.slice(3)].join('.'), D.malformed);
  add('nested tokens', 'JWE with a truncated tag', [...honest.slice(0, 4), b64u(Buffer.alloc(8))].join('.'), D.malformed);
  add('nested tokens', 'JWE with an empty encrypted key', [honest[0], '', ...honest.slice(2)].join('.'), D.malformed);
  add('nested tokens', 'JWE header swapped (AAD mismatch)', [segment({ ...decodeSegment(honest[0]!), apv: b64u('x') }), ...honest.slice(1)].join('.'), D.decryption);

  // Real tokens of other kinds, for other audiences or other tenants.
  cases.push({ group: 'token types', name: 'member token (admin audience) at an API', authorization: `Bearer ${m.memberToken}`, description: D.audience, validElsewhere: { admin: true, introspection: false } });
  add('token types', 'refresh token used as an access token', m.refreshToken, D.malformed);
  add('token types', 'token of the same application for another API', m.legitEncrypted, D.audience);
  add('token types', "tenant B's token for its own API", m.tenantBToken, D.audience);
  add('token types', 'API key presented as a bearer token', m.apiKey, D.malformed);
  add('token types', 'client secret presented as a bearer token', m.clientSecret, D.malformed);
  cases.push({ group: 'token types', name: 'bootstrap admin token presented at an API', authorization: `Bearer ${m.bootstrapToken}`, description: D.malformed, validElsewhere: { admin: true, introspection: false } });

  // Signatures, encodings and sizes.
  add('structure', 'signature stripped, trailing dot kept', `${h}.${p}.`, D.signature);
  add('structure', 'signature stripped, two segments', `${h}.${p}`, D.malformed);
  add('structure', 'last signature character changed', `${h}.${p}.${flip(s)}`, D.signature);
  add('structure', 'first signature character changed', `${h}.${p}.${s[0] === 'A' ? 'B' : 'A'}${s.slice(1)}`, D.signature);
  add('structure', 'signature of another real token', `${h}.${p}.${m.otherLegit.split('.')[2]}`, D.signature);
  add('structure', 'signature truncated', `${h}.${p}.${s.slice(0, 40)}`, D.signature);
  add('structure', 'signature doubled', `${h}.${p}.${s}${s}`, D.signature);
  add('structure', 'payload with sub changed', `${h}.${segment({ ...payload, sub: 'someone-else' })}.${s}`, D.signature);
  add('structure', 'payload with tenant changed', `${h}.${segment({ ...payload, tenant: 'another-tenant' })}.${s}`, D.signature);
  add('structure', 'payload with exp extended', `${h}.${segment({ ...payload, exp: (payload.exp as number) + 86_400 })}.${s}`, D.signature);
  add('structure', 'payload with scope widened', `${h}.${segment({ ...payload, scope: 'read write admin' })}.${s}`, D.signature);
  add('structure', 'header re-serialized with whitespace', `${b64u(JSON.stringify(header, null, 1))}.${p}.${s}`, D.signature);
  add('structure', 'duplicate alg member, none first', `${b64u(`{"alg":"none",${JSON.stringify(header).slice(1)}`)}.${p}.${s}`, D.signature);
  add('structure', 'padding on every segment', `${h}=.${p}==.${s}=`, D.malformed);
  const standard = m.legit.replace(/-/g, '+').replace(/_/g, '/');
  add('structure', 'standard base64 alphabet', standard === m.legit ? `${m.legit}=` : standard, D.malformed);
  add('structure', 'non-canonical trailing bits', `${h.slice(0, -1)}${String.fromCharCode(h.charCodeAt(h.length - 1) + 1)}.${p}.${s}`, D.malformed);
  add('structure', 'header that is a JSON array', `${b64u('[1]')}.${p}.${s}`, D.malformed);
  add('structure', 'header that is JSON null', `${b64u('null')}.${p}.${s}`, D.malformed);
  add('structure', 'header with a UTF-8 BOM', `${b64u(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(header))]))}.${p}.${s}`, D.malformed);
  add('structure', 'header with invalid UTF-8', `${b64u(Buffer.concat([Buffer.from('{"alg":"ES256","x":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]))}.${p}.${s}`, D.malformed);
  add('structure', 'header of 2000 nested arrays', `${b64u(`${'['.repeat(2000)}${']'.repeat(2000)}`)}.${p}.${s}`, D.malformed);
  add('structure', 'four segments', `${h}.${p}.${s}.${s}`, D.malformed);
  add('structure', 'six segments', `${m.legitEncrypted}.${s}`, D.malformed);
  add('structure', 'only dots', '....', D.malformed);
  add('structure', 'a thousand dots', '.'.repeat(1000), D.malformed);
  add('structure', 'garbage a.b.c', 'a.b.c', D.malformed);
  add('structure', 'garbage a.b.c.d.e', 'a.b.c.d.e', D.malformed);
  add('structure', 'JSON instead of a token', '{"alg":"none"}', D.malformed);
  add('structure', 'the word null', 'null', D.malformed);
  add('structure', 'token followed by a second token', `${m.legit},${m.otherLegit}`, D.malformed);
  add('structure', 'token followed by a space and text', `${m.legit} extra`, D.malformed);
  add('structure', 'token with a newline escape', `${h}\\n.${p}.${s}`, D.malformed);
  add('structure', 'just over the size limit (8193 bytes)', `${m.legit}${'A'.repeat(8193 - m.legit.length)}`, D.tooLarge);
  add('structure', 'oversized (12 KiB) otherwise valid-looking', `${h}.${b64u('x'.repeat(9000))}.${s}`, D.tooLarge);
  cases.push({ group: 'structure', name: 'empty bearer', authorization: 'Bearer', description: D.malformed });
  cases.push({ group: 'structure', name: 'bearer and spaces', authorization: 'Bearer    ', description: D.malformed });
  cases.push({ group: 'structure', name: 'Basic scheme', authorization: `Basic ${b64u('user:pass')}`, description: D.malformed });
  cases.push({ group: 'structure', name: 'JWT scheme', authorization: `JWT ${m.legit}`, description: D.malformed });
  cases.push({ group: 'structure', name: 'tab instead of a space', authorization: `Bearer\t${m.legit}`, description: D.malformed });
  return cases;
}

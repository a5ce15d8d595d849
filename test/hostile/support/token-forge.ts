import { createCipheriv, createHash, createHmac, createPublicKey, diffieHellman, generateKeyPairSync, type JsonWebKey, type KeyObject, randomBytes, sign } from 'node:crypto';

/** What an attacker can build a token from: bytes, headers and keys of their own. */

export const b64u = (value: string | Uint8Array): string => Buffer.from(value).toString('base64url');
export const segment = (value: unknown): string => b64u(JSON.stringify(value));
export const decodeSegment = (value: string): Record<string, unknown> => JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));

export interface AttackerKey {
  readonly alg: 'ES256' | 'RS256' | 'EdDSA';
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicJwk: JsonWebKey;
}

function thumbprint(jwk: JsonWebKey): string {
  const members = jwk.kty === 'EC' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : jwk.kty === 'OKP' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x } : { e: jwk.e, kty: jwk.kty, n: jwk.n };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

/** A fresh signing key the platform has never seen. */
export function attackerKey(alg: AttackerKey['alg']): AttackerKey {
  const pair =
    alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519');
  const publicJwk = pair.publicKey.export({ format: 'jwk' });
  return { alg, kid: thumbprint(publicJwk), privateKey: pair.privateKey, publicJwk: { ...publicJwk, alg, use: 'sig', kid: thumbprint(publicJwk) } };
}

/** A compact JWS over any header and payload, signed by `signer` (or with the given signature). */
export function jws(header: unknown, payload: unknown, signer: ((input: Buffer) => Buffer) | string): string {
  const input = `${typeof header === 'string' ? header : segment(header)}.${typeof payload === 'string' ? payload : segment(payload)}`;
  const signature = typeof signer === 'string' ? signer : b64u(signer(Buffer.from(input, 'latin1')));
  return `${input}.${signature}`;
}

export const signWith =
  (key: AttackerKey) =>
  (input: Buffer): Buffer =>
    key.alg === 'ES256'
      ? sign('sha256', input, { key: key.privateKey, dsaEncoding: 'ieee-p1363' })
      : key.alg === 'RS256'
        ? sign('sha256', input, key.privateKey)
        : sign(null, input, key.privateKey);

export const hmacWith =
  (alg: 'HS256' | 'HS384' | 'HS512', secret: string | Buffer) =>
  (input: Buffer): Buffer =>
    createHmac(`sha${alg.slice(2)}`, secret).update(input).digest();

/** The public key of a JWK in every encoding an RS/HS confusion attack tries as the HMAC secret. */
export function publicKeyEncodings(jwk: JsonWebKey): Record<string, string | Buffer> {
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const pem = key.export({ type: 'spki', format: 'pem' }) as string;
  const encodings: Record<string, string | Buffer> = {
    'SPKI PEM': pem,
    'SPKI PEM without trailing newline': pem.trimEnd(),
    'SPKI DER': key.export({ type: 'spki', format: 'der' }),
    'JWK JSON': JSON.stringify(jwk),
    'JWKS JSON': JSON.stringify({ keys: [jwk] }),
  };
  if (jwk.x) encodings['x coordinate'] = Buffer.from(jwk.x, 'base64url');
  if (jwk.x && jwk.y) encodings['uncompressed point'] = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]);
  if (jwk.n) encodings.modulus = Buffer.from(jwk.n, 'base64url');
  return encodings;
}

const uint32 = (value: number) => {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value);
  return buffer;
};

function concatKdf(shared: Buffer, alg: string): Buffer {
  const id = Buffer.from(alg, 'ascii');
  return createHash('sha256')
    .update(Buffer.concat([uint32(1), shared, uint32(id.length), id, uint32(0), uint32(0), uint32(256)]))
    .digest();
}

export interface JweOptions {
  /** Members merged into (or replacing) the protected header. */
  header?: Record<string, unknown>;
  /** Replaces the honest ephemeral public key in the header (invalid-curve attacks). */
  epk?: unknown;
}

/**
 * A compact JWE (ECDH-ES+A256KW, A256GCM) to the recipient's public P-256 key, built the way
 * anyone who reads the public JWKS can: this is what makes nested-token confusion reachable.
 */
export function jweTo(recipient: JsonWebKey & { kid?: string }, plaintext: string | Buffer, options: JweOptions = {}): string {
  const ephemeral = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicEpk = ephemeral.publicKey.export({ format: 'jwk' });
  const header: Record<string, unknown> = {
    alg: 'ECDH-ES+A256KW',
    enc: 'A256GCM',
    cty: 'JWT',
    kid: recipient.kid,
    epk: { kty: 'EC', crv: 'P-256', x: publicEpk.x, y: publicEpk.y },
    ...options.header,
  };
  if (options.epk !== undefined) header.epk = options.epk;
  for (const [name, value] of Object.entries(header)) if (value === undefined) delete header[name];
  const shared = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: recipient.x, y: recipient.y }, format: 'jwk' }) });
  const cek = randomBytes(32);
  const wrap = createCipheriv('id-aes256-wrap', concatKdf(shared, 'ECDH-ES+A256KW'), Buffer.from('A6A6A6A6A6A6A6A6', 'hex'));
  const encryptedKey = Buffer.concat([wrap.update(cek), wrap.final()]);
  const protectedHeader = segment(header);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', cek, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(protectedHeader, 'latin1'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [protectedHeader, b64u(encryptedKey), b64u(iv), b64u(ciphertext), b64u(cipher.getAuthTag())].join('.');
}

/** A five-segment token with the given header and random, correctly sized parts (for header-level attacks). */
export function jweShape(header: Record<string, unknown>, sizes: { encryptedKey?: number; iv?: number; ciphertext?: number; tag?: number } = {}): string {
  return [segment(header), b64u(randomBytes(sizes.encryptedKey ?? 40)), b64u(randomBytes(sizes.iv ?? 12)), b64u(randomBytes(sizes.ciphertext ?? 64)), b64u(randomBytes(sizes.tag ?? 16))].join('.');
}

/** An ephemeral public key on another curve, or a point that is on no curve at all. */
export function foreignEpk(kind: 'off-curve' | 'P-384' | 'X25519' | 'zero'): Record<string, string> {
  if (kind === 'P-384') {
    const jwk = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' });
    return { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y! };
  }
  if (kind === 'X25519') {
    const jwk = generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' });
    return { kty: 'OKP', crv: 'X25519', x: jwk.x! };
  }
  if (kind === 'zero') return { kty: 'EC', crv: 'P-256', x: b64u(Buffer.alloc(32)), y: b64u(Buffer.alloc(32)) };
  // A valid point's y with x changed: almost surely off the curve (the invalid-curve attack's points).
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
  const x = Buffer.from(jwk.x!, 'base64url');
  x[31] = x[31]! ^ 0x01;
  return { kty: 'EC', crv: 'P-256', x: b64u(x), y: jwk.y! };
}

import { constants, createCipheriv, createHash, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import type { PublicJwk } from '@gatehouse/contracts';
import { CompactEncrypt, type JWK } from 'jose';
import type { KeyManagementAlgorithm, SigningAlgorithm } from '../key-material';
import type { KeyState } from '../key-ring';
import { type TransportSecret, wrapPrivateKey } from '../key-transport';

/** Builders for keys, key records and tokens in unit specs. Tokens are signed by hand so any header can be forged. */

export const ISSUER = 'https://identity.gatehouse.test';
export const NOW = Date.parse('2030-01-01T00:00:00Z');
export const nowSeconds = Math.floor(NOW / 1000);

export const b64 = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

export interface TestKey {
  kid: string;
  alg: SigningAlgorithm | KeyManagementAlgorithm;
  privateKey: KeyObject;
  publicJwk: PublicJwk;
  privateJwk: JWK;
}

let counter = 0;

function generate(alg: SigningAlgorithm | KeyManagementAlgorithm, curve?: string): { privateKey: KeyObject; publicKey: KeyObject } {
  switch (alg) {
    case 'ES256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'ECDH-ES+A256KW':
      return curve === 'X25519' ? generateKeyPairSync('x25519') : generateKeyPairSync('ec', { namedCurve: curve ?? 'P-256' });
    case 'EdDSA':
      return generateKeyPairSync('ed25519');
    default:
      return generateKeyPairSync('rsa', { modulusLength: 2048 });
  }
}

export function testKey(alg: SigningAlgorithm | KeyManagementAlgorithm, options: { kid?: string; curve?: string } = {}): TestKey {
  const kid = options.kid ?? `kid-${alg.toLowerCase()}-${++counter}`;
  const { privateKey, publicKey } = generate(alg, options.curve);
  const use = alg === 'ECDH-ES+A256KW' || alg === 'RSA-OAEP-256' ? 'enc' : 'sig';
  const publicJwk = { ...(publicKey.export({ format: 'jwk' }) as object), kid, alg, use } as PublicJwk;
  return { kid, alg, privateKey, publicJwk, privateJwk: privateKey.export({ format: 'jwk' }) as JWK };
}

export function keyState(key: TestKey, overrides: Partial<KeyState> = {}): KeyState {
  const signing = key.publicJwk.use === 'sig';
  return {
    kid: key.kid,
    keySetId: signing ? 'ks-signing' : 'ks-encryption',
    purpose: signing ? 'access-token-signing' : 'access-token-encryption',
    tenantId: null,
    alg: key.alg,
    state: 'active',
    publicJwk: key.publicJwk,
    privateKey: null,
    activatesAt: new Date(NOW - 3600_000).toISOString(),
    retiresAt: null,
    verifiableUntil: null,
    createdAt: new Date(NOW - 7200_000).toISOString(),
    ...overrides,
  };
}

export async function encryptionKeyState(key: TestKey, secret: TransportSecret, overrides: Partial<KeyState> = {}): Promise<KeyState> {
  return keyState(key, { privateKey: await wrapPrivateKey(key.privateJwk, 'gateway', secret), ...overrides });
}

export const transportSecret = (id = 'gateway-test'): TransportSecret => ({ id, key: new Uint8Array(32).fill(7) });

export function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: ISSUER,
    sub: 'app-1',
    aud: 'https://api.example.test',
    exp: nowSeconds + 300,
    iat: nowSeconds - 10,
    jti: `jti-${++counter}`,
    client_id: 'app-1',
    scope: 'orders:read orders:write',
    tenant: 'acme',
    ...overrides,
  };
}

/** Signs `header.payload` with the key's algorithm; header and payload are used as given. */
export function signToken(key: TestKey, payload: Record<string, unknown> | string, header: Record<string, unknown> = {}): string {
  const fullHeader = { alg: key.alg, kid: key.kid, typ: 'at+jwt', ...header };
  const input = `${b64(fullHeader)}.${b64(payload)}`;
  return `${input}.${rawSignature(key, input).toString('base64url')}`;
}

export function rawSignature(key: TestKey, input: string): Buffer {
  const data = Buffer.from(input);
  switch (key.alg) {
    case 'ES256':
      return sign('sha256', data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
    case 'EdDSA':
      return sign(null, data, key.privateKey);
    case 'RS256':
      return sign('sha256', data, { key: key.privateKey, padding: constants.RSA_PKCS1_PADDING });
    case 'PS256':
      return sign('sha256', data, { key: key.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    default:
      throw new Error(`${key.alg} does not sign`);
  }
}

/** Encrypts `plaintext` to an encryption key with jose (the issuer's library). */
export async function encryptToken(plaintext: string, key: TestKey, header: Record<string, unknown> = {}, parameters: { apu?: Uint8Array; apv?: Uint8Array } = {}): Promise<string> {
  const encrypt = new CompactEncrypt(new TextEncoder().encode(plaintext)).setProtectedHeader({ alg: key.alg, enc: 'A256GCM', cty: 'JWT', kid: key.kid, ...header });
  if (parameters.apu || parameters.apv) encrypt.setKeyManagementParameters(parameters);
  return encrypt.encrypt(createPublicKey(key.privateKey));
}

/** A five-segment token with the given header and well-formed but meaningless other segments. */
export function forgedJwe(header: Record<string, unknown>): string {
  const random = (bytes: number) => Buffer.alloc(bytes, 1).toString('base64url');
  return [b64(header), random(40), random(12), random(64), random(16)].join('.');
}

/** Encrypts any text to an EC ECDH-ES+A256KW key synchronously, written from RFC 7516/7518 independently of the verifier. */
export function ecdhJwe(plaintext: string, key: TestKey, extraHeader: Record<string, unknown> = {}): string {
  const ephemeral = generateKeyPairSync('ec', { namedCurve: key.publicJwk.crv! });
  const header = b64({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', cty: 'JWT', kid: key.kid, epk: ephemeral.publicKey.export({ format: 'jwk' }), ...extraHeader });
  const shared = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: createPublicKey({ key: key.publicJwk, format: 'jwk' }) });
  const u32 = (value: number) => Buffer.from([value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255]);
  const alg = Buffer.from('ECDH-ES+A256KW');
  const kek = createHash('sha256').update(Buffer.concat([u32(1), shared, u32(alg.length), alg, u32(0), u32(0), u32(256)])).digest();
  const cek = randomBytes(32);
  const wrap = createCipheriv('id-aes256-wrap', kek, Buffer.from('A6A6A6A6A6A6A6A6', 'hex'));
  const encryptedKey = Buffer.concat([wrap.update(cek), wrap.final()]);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', cek, iv);
  cipher.setAAD(Buffer.from(header));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [header, ...[encryptedKey, iv, ciphertext, cipher.getAuthTag()].map((part) => part.toString('base64url'))].join('.');
}

import { createPrivateKey, createPublicKey, type KeyObject, type VerifyKeyObjectInput, constants } from 'node:crypto';
import type { encryptionAlgorithms, PublicJwk, signingAlgorithms } from '@gatehouse/contracts';
import type { JWK } from 'jose';

/** JWS algorithms a signing key may be bound to. */
export type SigningAlgorithm = (typeof signingAlgorithms)[number];
/** JWE key-management algorithms an encryption key may be bound to. */
export type KeyManagementAlgorithm = (typeof encryptionAlgorithms)[number];

/** Thrown when a key record cannot be turned into usable key material. */
export class KeyMaterialError extends Error {
  override readonly name = 'KeyMaterialError';
  readonly code = 'ERR_KEY_MATERIAL';
}

/** Everything needed to check one signature, prepared once per key. */
export interface SignatureKey {
  readonly alg: SigningAlgorithm;
  readonly digest: 'sha256' | null;
  readonly verifyKey: VerifyKeyObjectInput;
  readonly signatureLength: number;
}

/** Everything needed to unwrap a content key, prepared once per key. */
export interface DecryptionKey {
  readonly alg: KeyManagementAlgorithm;
  readonly privateKey: KeyObject;
  /** `EC`/`OKP` curve for ECDH-ES, or null for RSA. */
  readonly curve: string | null;
  /** RSA modulus length in bytes (the exact encrypted-key length), or 0. */
  readonly modulusBytes: number;
}

const MIN_RSA_BITS = 2048;
const ecdhCurves = new Set(['P-256', 'P-384', 'P-521', 'X25519']);

function rsaBits(key: KeyObject): number {
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) throw new KeyMaterialError(`RSA keys must have at least ${MIN_RSA_BITS} bits`);
  return bits;
}

/** The public members that identify a key, in a fixed order, for equality checks. */
export function publicFingerprint(jwk: Pick<JWK, 'kty' | 'crv' | 'x' | 'y' | 'n' | 'e'>): string {
  return JSON.stringify([jwk.kty, jwk.crv ?? null, jwk.x ?? null, jwk.y ?? null, jwk.n ?? null, jwk.e ?? null]);
}

function publicMembers(jwk: PublicJwk | JWK): JWK {
  const { kty, crv, x, y, n, e } = jwk;
  return Object.fromEntries(Object.entries({ kty, crv, x, y, n, e }).filter(([, value]) => value !== undefined)) as JWK;
}

/** Imports a published signing key, bound to its single algorithm. */
export function importSignatureKey(jwk: PublicJwk, alg: SigningAlgorithm): SignatureKey {
  if (jwk.alg !== alg) throw new KeyMaterialError(`public JWK alg ${jwk.alg} differs from the key's alg ${alg}`);
  if (jwk.use !== 'sig') throw new KeyMaterialError('signing keys must have use "sig"');
  let key: KeyObject;
  try {
    key = createPublicKey({ key: publicMembers(jwk), format: 'jwk' });
  } catch (error) {
    throw new KeyMaterialError('public JWK cannot be imported', { cause: error });
  }
  switch (alg) {
    case 'ES256':
      if (jwk.kty !== 'EC' || jwk.crv !== 'P-256') throw new KeyMaterialError('ES256 needs an EC P-256 key');
      return { alg, digest: 'sha256', verifyKey: { key, dsaEncoding: 'ieee-p1363' }, signatureLength: 64 };
    case 'EdDSA':
      if (jwk.kty !== 'OKP' || (jwk.crv !== 'Ed25519' && jwk.crv !== 'Ed448')) throw new KeyMaterialError('EdDSA needs an OKP Ed25519 or Ed448 key');
      return { alg, digest: null, verifyKey: { key }, signatureLength: jwk.crv === 'Ed25519' ? 64 : 114 };
    case 'RS256':
    case 'PS256': {
      if (jwk.kty !== 'RSA') throw new KeyMaterialError(`${alg} needs an RSA key`);
      const bytes = Math.ceil(rsaBits(key) / 8);
      const padding = alg === 'RS256' ? { padding: constants.RSA_PKCS1_PADDING } : { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
      return { alg, digest: 'sha256', verifyKey: { key, ...padding }, signatureLength: bytes };
    }
    default:
      throw new KeyMaterialError(`${String(alg)} is not a signing algorithm`);
  }
}

/**
 * Imports an unwrapped private key for one key-management algorithm and checks that it is
 * the private half of the published public key.
 */
export function importDecryptionKey(privateJwk: JWK, publicJwk: PublicJwk, alg: KeyManagementAlgorithm): DecryptionKey {
  if (publicJwk.alg !== alg) throw new KeyMaterialError(`public JWK alg ${publicJwk.alg} differs from the key's alg ${alg}`);
  if (publicJwk.use !== 'enc') throw new KeyMaterialError('encryption keys must have use "enc"');
  if (publicFingerprint(privateJwk) !== publicFingerprint(publicJwk)) throw new KeyMaterialError('private key does not match the published public key');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: privateJwk, format: 'jwk' });
  } catch (error) {
    throw new KeyMaterialError('private JWK cannot be imported', { cause: error });
  }
  if (publicFingerprint(createPublicKey(privateKey).export({ format: 'jwk' }) as JWK) !== publicFingerprint(publicJwk)) {
    throw new KeyMaterialError('private key does not match the published public key');
  }
  if (alg === 'ECDH-ES+A256KW') {
    const curve = publicJwk.crv ?? '';
    if (!((publicJwk.kty === 'EC' || publicJwk.kty === 'OKP') && ecdhCurves.has(curve))) {
      throw new KeyMaterialError('ECDH-ES+A256KW needs an EC P-256/P-384/P-521 or OKP X25519 key');
    }
    return { alg, privateKey, curve, modulusBytes: 0 };
  }
  if (alg === 'RSA-OAEP-256') {
    if (publicJwk.kty !== 'RSA') throw new KeyMaterialError('RSA-OAEP-256 needs an RSA key');
    return { alg, privateKey, curve: null, modulusBytes: Math.ceil(rsaBits(privateKey) / 8) };
  }
  throw new KeyMaterialError(`${String(alg)} is not a key-management algorithm`);
}

import { constants, createPrivateKey, createPublicKey, type KeyObject, type SignKeyObjectInput, type SignPrivateKeyInput } from 'node:crypto';
import type { PublicJwk } from '@gatehouse/contracts';
import type { JWK } from 'jose';

export type SigningAlg = 'ES256' | 'EdDSA' | 'RS256' | 'PS256';

/** A private signing key prepared once: node:crypto options plus the encoded JWS header. */
export interface SigningMaterial {
  readonly alg: SigningAlg;
  readonly digest: 'sha256' | null;
  readonly signKey: SignKeyObjectInput | SignPrivateKeyInput;
  /** base64url of `{"alg","kid","typ":"at+jwt"}`, computed once per key. */
  readonly encodedHeader: string;
}

const publicMembers = (jwk: JWK | PublicJwk) => JSON.stringify([jwk.kty, jwk.crv ?? null, jwk.x ?? null, jwk.y ?? null, jwk.n ?? null, jwk.e ?? null]);

/** Imports an unwrapped private JWK for one algorithm and checks it is the half of the published public key. */
export function prepareSigningMaterial(kid: string, alg: SigningAlg, privateJwk: JWK, publicJwk: PublicJwk): SigningMaterial {
  if (publicMembers(privateJwk) !== publicMembers(publicJwk)) throw new Error(`private key of ${kid} does not match its published public key`);
  const key: KeyObject = createPrivateKey({ key: privateJwk as never, format: 'jwk' });
  if (publicMembers(createPublicKey(key).export({ format: 'jwk' }) as JWK) !== publicMembers(publicJwk)) throw new Error(`private key of ${kid} does not match its published public key`);
  const encodedHeader = Buffer.from(JSON.stringify({ alg, kid, typ: 'at+jwt' })).toString('base64url');
  switch (alg) {
    case 'ES256':
      if (publicJwk.crv !== 'P-256') throw new Error(`${kid}: ES256 needs a P-256 key`);
      return { alg, digest: 'sha256', signKey: { key, dsaEncoding: 'ieee-p1363' }, encodedHeader };
    case 'EdDSA':
      if (publicJwk.kty !== 'OKP') throw new Error(`${kid}: EdDSA needs an OKP key`);
      return { alg, digest: null, signKey: { key }, encodedHeader };
    case 'RS256':
      if (publicJwk.kty !== 'RSA') throw new Error(`${kid}: RS256 needs an RSA key`);
      return { alg, digest: 'sha256', signKey: { key, padding: constants.RSA_PKCS1_PADDING }, encodedHeader };
    case 'PS256':
      if (publicJwk.kty !== 'RSA') throw new Error(`${kid}: PS256 needs an RSA key`);
      return { alg, digest: 'sha256', signKey: { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, encodedHeader };
    default:
      throw new Error(`${kid}: ${String(alg)} is not a signing algorithm`);
  }
}

import { createHash, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { KeyAlgorithm, PublicJwk } from '@gatehouse/contracts';
import type { JWK } from 'jose';

const generate = promisify(generateKeyPair) as (type: string, options: Record<string, unknown>) => Promise<{ publicKey: KeyObject; privateKey: KeyObject }>;

export type RsaModulusLength = 2048 | 3072;

export interface GeneratedKey {
  kid: string;
  publicJwk: PublicJwk;
  /** Serialized private JWK; the caller wraps it and wipes the buffer. */
  privateJwk: Buffer;
}

function keyType(alg: KeyAlgorithm, modulusLength: RsaModulusLength): [string, Record<string, unknown>] {
  switch (alg) {
    case 'ES256':
    case 'ECDH-ES+A256KW':
      return ['ec', { namedCurve: 'P-256' }];
    case 'EdDSA':
      return ['ed25519', {}];
    case 'RS256':
    case 'PS256':
    case 'RSA-OAEP-256':
      return ['rsa', { modulusLength, publicExponent: 0x10001 }];
  }
}

export const useOf = (alg: KeyAlgorithm): 'sig' | 'enc' => (alg === 'ECDH-ES+A256KW' || alg === 'RSA-OAEP-256' ? 'enc' : 'sig');

/** RFC 7638 thumbprint of the public members: a stable, collision-free kid. */
function thumbprint(jwk: JWK): string {
  const members = jwk.kty === 'RSA' ? { e: jwk.e, kty: jwk.kty, n: jwk.n } : jwk.kty === 'OKP' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

/** Generates key pairs with node:crypto (off the main thread) and exports them as JWKs. */
export class KeyGenerator {
  async generate(alg: KeyAlgorithm, modulusLength: RsaModulusLength = 2048): Promise<GeneratedKey> {
    const [type, options] = keyType(alg, modulusLength);
    const { publicKey, privateKey } = await generate(type, options);
    const publicMembers = publicKey.export({ format: 'jwk' }) as JWK;
    const kid = thumbprint(publicMembers);
    const use = useOf(alg);
    const { kty, crv, x, y, n, e } = publicMembers;
    const publicJwk = Object.fromEntries(
      Object.entries({ kty, kid, alg, use, crv, x, y, n, e }).filter(([, value]) => value !== undefined),
    ) as PublicJwk;
    const privateJwk = Buffer.from(JSON.stringify({ ...(privateKey.export({ format: 'jwk' }) as JWK), kid, alg, use }), 'utf8');
    return { kid, publicJwk, privateJwk };
  }
}

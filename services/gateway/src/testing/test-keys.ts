import { generateKeyPairSync, type KeyObject, randomBytes, randomUUID } from 'node:crypto';
import { type PublicJwk, type EventData, KeyStateV1 } from '@gatehouse/contracts';
import { type TransportSecret, wrapPrivateKey } from '@gatehouse/auth';
import { CompactEncrypt, type JWK, SignJWT } from 'jose';

type KeyState = EventData<typeof KeyStateV1>;

/** A signing key (ES256) or an encryption key (ECDH-ES+A256KW on P-256) generated for a test. */
export interface TestKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly publicJwk: PublicJwk;
  readonly privateJwk: JWK;
}

export function newTransportSecret(): { secret: TransportSecret; env: string } {
  const key = randomBytes(32);
  const id = `gw-test-${randomUUID().slice(0, 8)}`;
  return { secret: { id, key: new Uint8Array(key) }, env: `${id}:${key.toString('base64url')}` };
}

export function newKey(use: 'sig' | 'enc'): TestKey {
  const kid = `${use}-${randomUUID()}`;
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const alg = use === 'sig' ? 'ES256' : 'ECDH-ES+A256KW';
  const publicJwk = { ...(publicKey.export({ format: 'jwk' }) as object), kid, alg, use } as PublicJwk;
  return { kid, privateKey, publicKey, publicJwk, privateJwk: privateKey.export({ format: 'jwk' }) as JWK };
}

/** The KeyStateV1 record the keys service would publish for a test key. */
export async function keyStateOf(key: TestKey, state: KeyState['state'], secret?: TransportSecret): Promise<KeyState> {
  const signing = key.publicJwk.use === 'sig';
  const now = Date.now();
  return {
    kid: key.kid,
    keySetId: signing ? 'ks-test-signing' : 'ks-test-encryption',
    purpose: signing ? 'access-token-signing' : 'access-token-encryption',
    tenantId: null,
    alg: signing ? 'ES256' : 'ECDH-ES+A256KW',
    state,
    publicJwk: key.publicJwk,
    privateKey: signing || !secret ? null : await wrapPrivateKey(key.privateJwk, 'gateway', secret),
    activatesAt: new Date(now - 60_000).toISOString(),
    retiresAt: null,
    verifiableUntil: null,
    createdAt: new Date(now - 120_000).toISOString(),
  };
}

export interface TokenClaims {
  issuer: string;
  audience: string;
  clientId: string;
  tenant: string;
  subject?: string;
  scope?: string;
  expiresInSeconds?: number;
  issuedAt?: number;
  jti?: string;
}

/** An RFC 9068 access token signed with `key`, as identity issues them. */
export function signAccessToken(key: TestKey, claims: TokenClaims): Promise<string> {
  const now = claims.issuedAt ?? Math.floor(Date.now() / 1000);
  return new SignJWT({ client_id: claims.clientId, tenant: claims.tenant, scope: claims.scope ?? '' })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'at+jwt' })
    .setIssuer(claims.issuer)
    .setSubject(claims.subject ?? claims.clientId)
    .setAudience(claims.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + (claims.expiresInSeconds ?? 300))
    .setJti(claims.jti ?? randomUUID())
    .sign(key.privateKey);
}

/** The signed token nested in a JWE (`cty: JWT`) encrypted to the gateway's encryption key. */
export function encryptAccessToken(signed: string, encryptionKey: TestKey): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(signed))
    .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', cty: 'JWT', kid: encryptionKey.kid })
    .encrypt(encryptionKey.publicKey);
}

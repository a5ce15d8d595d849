import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { compactDecrypt, decodeProtectedHeader, importJWK, type JWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import type { ActiveEncryptionKey } from '../keys/key-store';
import { prepareSigningMaterial, type SigningAlg } from '../keys/signing-material';
import { encryptNested } from './jwe';
import { signCompactJws } from './jws';

function pair(kind: 'ES256' | 'EdDSA' | 'RSA' | 'P-384' | 'X25519') {
  const generated =
    kind === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : kind === 'P-384'
        ? generateKeyPairSync('ec', { namedCurve: 'P-384' })
        : kind === 'EdDSA'
          ? generateKeyPairSync('ed25519')
          : kind === 'X25519'
            ? generateKeyPairSync('x25519')
            : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { publicJwk: generated.publicKey.export({ format: 'jwk' }) as JWK, privateJwk: generated.privateKey.export({ format: 'jwk' }) as JWK, publicKey: generated.publicKey };
}

const claims = { iss: 'https://issuer.test', sub: 'app', aud: 'https://api.test', exp: Math.floor(Date.now() / 1000) + 60, iat: Math.floor(Date.now() / 1000), jti: 'j1' };

describe('signCompactJws', () => {
  it.each(['ES256', 'EdDSA', 'RS256', 'PS256'] as const)('signs %s tokens that jose verifies, with typ at+jwt', async (alg: SigningAlg) => {
    const keys = pair(alg === 'ES256' ? 'ES256' : alg === 'EdDSA' ? 'EdDSA' : 'RSA');
    const material = prepareSigningMaterial('kid-1', alg, keys.privateJwk, { ...keys.publicJwk, kid: 'kid-1', alg, use: 'sig' } as never);
    const token = await signCompactJws(material, claims);
    const { payload, protectedHeader } = await jwtVerify(token, keys.publicKey, { algorithms: [alg], typ: 'at+jwt' });
    expect(protectedHeader).toEqual({ alg, kid: 'kid-1', typ: 'at+jwt' });
    expect(payload).toEqual(claims);
  });

  it('refuses a private key that is not the half of the published public key', () => {
    const published = pair('ES256');
    const other = pair('ES256');
    expect(() => prepareSigningMaterial('kid-1', 'ES256', other.privateJwk, { ...published.publicJwk, kid: 'kid-1', alg: 'ES256', use: 'sig' } as never)).toThrow(/does not match/);
  });
});

describe('encryptNested', () => {
  it.each([
    ['ECDH-ES+A256KW', 'ES256'],
    ['ECDH-ES+A256KW', 'P-384'],
    ['ECDH-ES+A256KW', 'X25519'],
    ['RSA-OAEP-256', 'RSA'],
  ] as const)('makes a %s (%s) JWE that jose decrypts with the recipient key only', async (alg, kind) => {
    const recipient = pair(kind);
    const key: ActiveEncryptionKey = { kid: 'enc-1', alg, key: recipient.publicKey, curve: alg === 'RSA-OAEP-256' ? null : (recipient.publicJwk.crv as string) };
    const jwe = encryptNested('a.b.c', key, { jti: 'j1', exp: 123, client_id: 'app' });
    expect(decodeProtectedHeader(jwe)).toMatchObject({ alg, enc: 'A256GCM', kid: 'enc-1', cty: 'JWT', jti: 'j1', exp: 123, client_id: 'app' });
    const { plaintext } = await compactDecrypt(jwe, createPrivateKey({ key: recipient.privateJwk as never, format: 'jwk' }));
    expect(new TextDecoder().decode(plaintext)).toBe('a.b.c');
    const stranger = pair(kind);
    await expect(compactDecrypt(jwe, createPrivateKey({ key: stranger.privateJwk as never, format: 'jwk' }))).rejects.toThrow();
    expect(await importJWK(recipient.publicJwk, alg)).toBeTruthy();
  });
});

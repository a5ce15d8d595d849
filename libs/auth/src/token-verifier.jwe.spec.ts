import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TokenVerifier } from './token-verifier';
import { b64, claims, ecdhJwe, encryptionKeyState, encryptToken, forgedJwe, ISSUER, keyState, signToken, testKey } from './testing/token-factory';
import { refusal } from './testing/refusal';
import { verifierFixture } from './testing/verifier-fixture';

async function setup(alg: 'ECDH-ES+A256KW' | 'RSA-OAEP-256' = 'ECDH-ES+A256KW') {
  const fixture = verifierFixture();
  const signing = testKey('ES256');
  const encryption = testKey(alg);
  fixture.keys.apply(keyState(signing), signing.kid);
  await fixture.decryptionKeys.apply(await encryptionKeyState(encryption, fixture.secret), encryption.kid);
  return { ...fixture, signing, encryption };
}

const jweHeader = (kid: string, extra: Record<string, unknown> = {}) => ({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', cty: 'JWT', kid, ...extra });

describe('TokenVerifier refuses forged encrypted tokens', () => {
  it('refuses a JWT nested in a JWE without cty', async () => {
    const { verifier, signing, encryption } = await setup();
    const jwe = await encryptToken(signToken(signing, claims()), encryption, { cty: undefined });
    expect(refusal(() => verifier.verify(jwe))).toBe('ERR_TOKEN_TYPE');
  });

  it('refuses a JWE nested in a JWE', async () => {
    const { verifier, signing, encryption } = await setup();
    const inner = await encryptToken(signToken(signing, claims()), encryption);
    const outer = await encryptToken(inner, encryption);
    expect(refusal(() => verifier.verify(outer))).toBe('ERR_TOKEN_MALFORMED');
  });

  it('refuses a JWE whose plaintext is not a JWS', async () => {
    const { verifier, encryption } = await setup();
    expect(refusal(() => verifier.verify(ecdhJwe(JSON.stringify(claims()), encryption)))).toBe('ERR_TOKEN_MALFORMED');
    expect(verifier.stats.signatureChecks).toBe(0);
  });

  it('checks the nested JWS as strictly as a bare one', async () => {
    const { verifier, signing, encryption } = await setup();
    const none = `${b64({ alg: 'none', kid: signing.kid, typ: 'at+jwt' })}.${b64(claims())}.AA`;
    expect(refusal(() => verifier.verify(ecdhJwe(none, encryption)))).toBe('ERR_TOKEN_ALG');
    expect(refusal(() => verifier.verify(ecdhJwe(signToken(signing, claims(), { typ: 'JWT' }), encryption)))).toBe('ERR_TOKEN_TYPE');
    expect(refusal(() => verifier.verify(ecdhJwe(signToken(signing, claims({ iss: 'https://evil.test' })), encryption)))).toBe('ERR_TOKEN_ISSUER');
  });

  it.each(['PBES2-HS256+A128KW', 'PBES2-HS512+A256KW', 'dir', 'RSA1_5', 'A256KW', 'ECDH-ES', 'RSA-OAEP', 'none'])('refuses key management alg %s', async (alg) => {
    const { verifier, encryption } = await setup();
    expect(refusal(() => verifier.verify(forgedJwe(jweHeader(encryption.kid, { alg, p2s: 'AAAA', p2c: 1 }))))).toBe('ERR_TOKEN_ALG');
  });

  it.each(['A128GCM', 'A256CBC-HS512', undefined])('refuses content encryption %s', async (enc) => {
    const { verifier, encryption } = await setup();
    expect(refusal(() => verifier.verify(forgedJwe(jweHeader(encryption.kid, { enc }))))).toBe('ERR_TOKEN_ALG');
  });

  it('refuses zip:DEF before decrypting', async () => {
    const { verifier, encryption } = await setup();
    expect(refusal(() => verifier.verify(forgedJwe(jweHeader(encryption.kid, { zip: 'DEF' }))))).toBe('ERR_TOKEN_HEADER');
    expect(verifier.stats.decryptions).toBe(0);
  });

  it('refuses crit and remote-key members on a JWE', async () => {
    const { verifier, encryption } = await setup();
    expect(refusal(() => verifier.verify(forgedJwe(jweHeader(encryption.kid, { crit: ['exp'] }))))).toBe('ERR_TOKEN_CRIT');
    for (const member of ['jku', 'x5u', 'jwk', 'x5c']) {
      expect(refusal(() => verifier.verify(forgedJwe(jweHeader(encryption.kid, { [member]: 'x' }))))).toBe('ERR_TOKEN_HEADER');
    }
  });

  it('refuses an epk that is not a point on the key curve (invalid-curve attack)', async () => {
    const { verifier, encryption } = await setup();
    const { x } = encryption.publicJwk;
    const offCurve = { kty: 'EC', crv: 'P-256', x, y: Buffer.alloc(32, 1).toString('base64url') };
    expect(refusal(() => verifier.verify(forgedJwe(jweHeader(encryption.kid, { epk: offCurve }))))).toBe('ERR_TOKEN_HEADER');
    const small = { kty: 'EC', crv: 'P-256', x: Buffer.alloc(32, 0).toString('base64url'), y: Buffer.alloc(32, 0).toString('base64url') };
    expect(refusal(() => verifier.verify(forgedJwe(jweHeader(encryption.kid, { epk: small }))))).toBe('ERR_TOKEN_HEADER');
    expect(verifier.stats.decryptions).toBe(2);
  });

  it('refuses an epk on another curve, of another type, with private parts only, or missing', async () => {
    const { verifier, encryption } = await setup();
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' });
    const x25519 = generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' });
    for (const epk of [p384, x25519, { ...p384, crv: 'P-256' }, 'epk', { kty: 'EC', crv: 'P-256', d: 'AAAA' }, undefined]) {
      expect(refusal(() => verifier.verify(forgedJwe(jweHeader(encryption.kid, { epk }))))).toBe('ERR_TOKEN_HEADER');
    }
  });

  it('refuses a JWE encrypted to another key under the known kid', async () => {
    const { verifier, signing, encryption } = await setup();
    const impostor = testKey('ECDH-ES+A256KW', { kid: encryption.kid });
    expect(refusal(() => verifier.verify(ecdhJwe(signToken(signing, claims()), impostor)))).toBe('ERR_TOKEN_DECRYPTION');
  });

  it.each(['ECDH-ES+A256KW', 'RSA-OAEP-256'] as const)('refuses a %s JWE whose ciphertext, tag or encrypted key was changed', async (alg) => {
    const { verifier, signing, encryption } = await setup(alg);
    const segments = (await encryptToken(signToken(signing, claims()), encryption)).split('.');
    const flip = (segment: string) => {
      const bytes = Buffer.from(segment, 'base64url');
      bytes[0]! ^= 1;
      return bytes.toString('base64url');
    };
    for (const index of [1, 3, 4]) {
      const changed = segments.map((segment, at) => (at === index ? flip(segment) : segment)).join('.');
      expect(refusal(() => verifier.verify(changed))).toBe('ERR_TOKEN_DECRYPTION');
    }
    const otherHeader = b64({ ...JSON.parse(Buffer.from(segments[0]!, 'base64url').toString()), extra: 1 });
    expect(refusal(() => verifier.verify([otherHeader, ...segments.slice(1)].join('.')))).toBe('ERR_TOKEN_DECRYPTION');
  });

  it('refuses a JWE under an unknown, revoked, or mismatched-alg decryption key', async () => {
    const { verifier, decryptionKeys, signing, encryption } = await setup();
    expect(refusal(() => verifier.verify(forgedJwe(jweHeader('nope'))))).toBe('ERR_TOKEN_KID_UNKNOWN');
    expect(refusal(() => verifier.verify(forgedJwe(jweHeader(encryption.kid, { alg: 'RSA-OAEP-256' }))))).toBe('ERR_TOKEN_ALG');
    const jwe = await encryptToken(signToken(signing, claims()), encryption);
    await decryptionKeys.apply(keyState(encryption, { state: 'revoked' }), encryption.kid);
    expect(refusal(() => verifier.verify(jwe))).toBe('ERR_TOKEN_KEY_REVOKED');
  });

  it('refuses every JWE when no decryption keys are configured', async () => {
    const { keys, signing, encryption, clock } = await setup();
    const verifier = new TokenVerifier({ issuer: ISSUER, keys, now: () => clock.now });
    const jwe = await encryptToken(signToken(signing, claims()), encryption);
    expect(refusal(() => verifier.verify(jwe))).toBe('ERR_TOKEN_KID_UNKNOWN');
  });
});

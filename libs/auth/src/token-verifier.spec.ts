import { describe, expect, it } from 'vitest';
import { claims, encryptionKeyState, encryptToken, ISSUER, keyState, nowSeconds, signToken, testKey } from './testing/token-factory';
import { refusal } from './testing/refusal';
import { verifierFixture } from './testing/verifier-fixture';


describe('TokenVerifier accepts valid tokens', () => {
  it.each(['ES256', 'EdDSA', 'RS256', 'PS256'] as const)('accepts a %s-signed access token', (alg) => {
    const { keys, verifier } = verifierFixture();
    const key = testKey(alg);
    keys.apply(keyState(key), key.kid);
    const token = verifier.verify(signToken(key, claims({ jti: 'jti-1' })), { audience: 'https://api.example.test' });
    expect(token).toMatchObject({ issuer: ISSUER, subject: 'app-1', clientId: 'app-1', tenant: 'acme', jti: 'jti-1', kid: key.kid, alg, encrypted: false, encryptionKid: null });
    expect(token.scopes).toEqual(['orders:read', 'orders:write']);
    expect(token.audience).toEqual(['https://api.example.test']);
    expect(Object.isFrozen(token) && Object.isFrozen(token.claims)).toBe(true);
  });

  it('accepts typ application/at+jwt and an aud array containing the audience', () => {
    const { keys, verifier } = verifierFixture();
    const key = testKey('ES256');
    keys.apply(keyState(key), key.kid);
    const token = verifier.verify(signToken(key, claims({ aud: ['a', 'urn:gatehouse:admin'] }), { typ: 'application/at+jwt' }), { audience: 'urn:gatehouse:admin' });
    expect(token.audience).toEqual(['a', 'urn:gatehouse:admin']);
  });

  it('accepts tokens of pending and retiring keys', () => {
    const { keys, verifier } = verifierFixture();
    const pending = testKey('ES256');
    const retiring = testKey('ES256');
    keys.apply(keyState(pending, { state: 'pending' }), pending.kid);
    keys.apply(keyState(retiring, { state: 'retiring', verifiableUntil: new Date(Date.parse('2030-01-01T01:00:00Z')).toISOString() }), retiring.kid);
    expect(verifier.verify(signToken(pending, claims())).kid).toBe(pending.kid);
    expect(verifier.verify(signToken(retiring, claims())).kid).toBe(retiring.kid);
  });

  it.each([
    ['ECDH-ES+A256KW', 'P-256'],
    ['ECDH-ES+A256KW', 'P-384'],
    ['ECDH-ES+A256KW', 'X25519'],
    ['RSA-OAEP-256', undefined],
  ] as const)('accepts a JWS nested in a %s %s JWE encrypted by jose', async (alg, curve) => {
    const { keys, decryptionKeys, verifier, secret } = verifierFixture();
    const signing = testKey('ES256');
    const encryption = testKey(alg, { curve });
    keys.apply(keyState(signing), signing.kid);
    await decryptionKeys.apply(await encryptionKeyState(encryption, secret), encryption.kid);
    const jwe = await encryptToken(signToken(signing, claims()), encryption);
    const token = verifier.verify(jwe, { audience: 'https://api.example.test', requireEncrypted: true });
    expect(token).toMatchObject({ encrypted: true, encryptionKid: encryption.kid, kid: signing.kid });
  });

  it('accepts an ECDH-ES JWE with apu and apv', async () => {
    const { keys, decryptionKeys, verifier, secret } = verifierFixture();
    const signing = testKey('EdDSA');
    const encryption = testKey('ECDH-ES+A256KW');
    keys.apply(keyState(signing), signing.kid);
    await decryptionKeys.apply(await encryptionKeyState(encryption, secret), encryption.kid);
    const jwe = await encryptToken(signToken(signing, claims()), encryption, {}, { apu: Buffer.from('gatehouse-identity'), apv: Buffer.from('gateway') });
    expect(verifier.verify(jwe).encrypted).toBe(true);
  });

  it('accepts a token expired by less than the clock skew', () => {
    const { keys, verifier } = verifierFixture();
    const key = testKey('ES256');
    keys.apply(keyState(key), key.kid);
    expect(verifier.verify(signToken(key, claims({ exp: nowSeconds - 20, iat: nowSeconds - 100, nbf: nowSeconds + 20 }))).expiresAt).toBe(nowSeconds - 20);
  });
});

describe('TokenVerifier checks claims', () => {
  const setup = () => {
    const fixture = verifierFixture();
    const key = testKey('ES256');
    fixture.keys.apply(keyState(key), key.kid);
    return { ...fixture, key };
  };

  it.each([
    ['an expired token', { exp: nowSeconds - 31 }, 'ERR_TOKEN_EXPIRED'],
    ['a token whose nbf is in the future', { nbf: nowSeconds + 31 }, 'ERR_TOKEN_NOT_YET_VALID'],
    ['a token whose iat is in the future', { iat: nowSeconds + 31 }, 'ERR_TOKEN_NOT_YET_VALID'],
    ['a token from another issuer', { iss: 'https://evil.test' }, 'ERR_TOKEN_ISSUER'],
    ['a token without iss', { iss: undefined }, 'ERR_TOKEN_ISSUER'],
    ['a token without exp', { exp: undefined }, 'ERR_TOKEN_CLAIMS'],
    ['a token with a string exp', { exp: String(nowSeconds + 60) }, 'ERR_TOKEN_CLAIMS'],
    ['a token without iat', { iat: undefined }, 'ERR_TOKEN_CLAIMS'],
    ['a token without jti', { jti: undefined }, 'ERR_TOKEN_CLAIMS'],
    ['a token without sub', { sub: undefined }, 'ERR_TOKEN_CLAIMS'],
    ['a token with a numeric sub', { sub: 42 }, 'ERR_TOKEN_CLAIMS'],
    ['a token without client_id', { client_id: undefined }, 'ERR_TOKEN_CLAIMS'],
    ['a token without tenant', { tenant: undefined }, 'ERR_TOKEN_CLAIMS'],
    ['a token without aud', { aud: undefined }, 'ERR_TOKEN_CLAIMS'],
    ['a token with an empty aud array', { aud: [] }, 'ERR_TOKEN_CLAIMS'],
    ['a token with a non-string scope', { scope: ['a'] }, 'ERR_TOKEN_CLAIMS'],
  ] as const)('refuses %s', (_name, overrides, code) => {
    const { verifier, key } = setup();
    expect(refusal(() => verifier.verify(signToken(key, claims(overrides))))).toBe(code);
  });

  it('refuses a token for another audience', () => {
    const { verifier, key } = setup();
    expect(refusal(() => verifier.verify(signToken(key, claims({ aud: ['a', 'b'] })), { audience: 'urn:gatehouse:admin' }))).toBe('ERR_TOKEN_AUDIENCE');
  });

  it('refuses a token from a tenant key that claims another tenant', () => {
    const { keys, verifier } = verifierFixture();
    const key = testKey('ES256');
    keys.apply(keyState(key, { tenantId: 'globex' }), key.kid);
    expect(refusal(() => verifier.verify(signToken(key, claims({ tenant: 'acme' }))))).toBe('ERR_TOKEN_CLAIMS');
    expect(verifier.verify(signToken(key, claims({ tenant: 'globex' }))).tenant).toBe('globex');
  });

  it('refuses a plain JWS when encryption is required, before any cryptography', () => {
    const { verifier, key } = setup();
    expect(refusal(() => verifier.verify(signToken(key, claims()), { requireEncrypted: true }))).toBe('ERR_TOKEN_ENCRYPTION_REQUIRED');
    expect(verifier.stats.signatureChecks).toBe(0);
  });

  it('refuses a token revoked by jti, by application and by subject', () => {
    const { verifier, key, revocations } = setup();
    const base = { tenantId: 'acme', jti: null, applicationId: null, subject: null, issuedBefore: null, expiresAt: null, reason: 'test', revokedAt: new Date().toISOString() };
    revocations.applyRevocation({ ...base, revocationId: 'jti:j1', kind: 'token', jti: 'j1' }, 'jti:j1');
    revocations.applyRevocation({ ...base, revocationId: 'app:app-2', kind: 'application', applicationId: 'app-2', issuedBefore: new Date((nowSeconds - 5) * 1000).toISOString() }, 'app:app-2');
    revocations.applyRevocation({ ...base, revocationId: 'sub:acme:alice', kind: 'subject', subject: 'alice', issuedBefore: new Date((nowSeconds - 5) * 1000).toISOString() }, 'sub:acme:alice');
    expect(refusal(() => verifier.verify(signToken(key, claims({ jti: 'j1' }))))).toBe('ERR_TOKEN_REVOKED');
    expect(refusal(() => verifier.verify(signToken(key, claims({ client_id: 'app-2', iat: nowSeconds - 10 }))))).toBe('ERR_TOKEN_REVOKED');
    expect(verifier.verify(signToken(key, claims({ client_id: 'app-2', iat: nowSeconds - 1 }))).clientId).toBe('app-2');
    expect(refusal(() => verifier.verify(signToken(key, claims({ sub: 'alice', iat: nowSeconds - 10 }))))).toBe('ERR_TOKEN_REVOKED');
    expect(verifier.verify(signToken(key, claims({ sub: 'alice', tenant: 'globex', iat: nowSeconds - 10 }))).subject).toBe('alice');
  });

  it('refuses tokens of a suspended application', () => {
    const { verifier, key, revocations } = setup();
    revocations.applyApplication({ applicationId: 'app-1', tenantId: 'acme', teamId: 't', name: 'App', status: 'suspended', requireEncryptedTokens: false, allowedScopes: [], updatedAt: new Date().toISOString() }, 'app-1');
    expect(refusal(() => verifier.verify(signToken(key, claims())))).toBe('ERR_TOKEN_REVOKED');
  });
});

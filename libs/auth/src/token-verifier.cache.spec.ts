import { describe, expect, it, vi } from 'vitest';
import type { RevocationState } from './revocation-store';
import { claims, encryptionKeyState, encryptToken, keyState, nowSeconds, signToken, testKey } from './testing/token-factory';
import { refusal } from './testing/refusal';
import { verifierFixture } from './testing/verifier-fixture';

function setup(options: Parameters<typeof verifierFixture>[0] = {}) {
  const metrics = { cacheHit: vi.fn(), cacheMiss: vi.fn(), refused: vi.fn() };
  const fixture = verifierFixture({ metrics, ...options });
  const key = testKey('ES256');
  fixture.keys.apply(keyState(key), key.kid);
  return { ...fixture, key, metrics };
}

const revocation = (overrides: Partial<RevocationState>): RevocationState => ({
  revocationId: 'r1',
  tenantId: 'acme',
  kind: 'token',
  jti: null,
  applicationId: null,
  subject: null,
  issuedBefore: null,
  expiresAt: null,
  reason: 'test',
  revokedAt: new Date().toISOString(),
  ...overrides,
});

describe('TokenVerifier cache', () => {
  it('serves a repeated token from the cache without any cryptography', () => {
    const { verifier, key, metrics } = setup();
    const token = signToken(key, claims());
    const first = verifier.verify(token);
    const second = verifier.verify(token);
    expect(second).toBe(first);
    expect(verifier.stats).toMatchObject({ signatureChecks: 1, cacheHits: 1, cacheMisses: 1 });
    expect(metrics.cacheHit).toHaveBeenCalledTimes(1);
    expect(metrics.cacheMiss).toHaveBeenCalledTimes(1);
  });

  it('serves a repeated encrypted token without decrypting again', async () => {
    const { verifier, key, decryptionKeys, secret } = setup();
    const encryption = testKey('RSA-OAEP-256');
    await decryptionKeys.apply(await encryptionKeyState(encryption, secret), encryption.kid);
    const jwe = await encryptToken(signToken(key, claims()), encryption);
    verifier.verify(jwe, { requireEncrypted: true });
    verifier.verify(jwe, { requireEncrypted: true });
    expect(verifier.stats).toMatchObject({ decryptions: 1, signatureChecks: 1, cacheHits: 1 });
  });

  it('still checks audience and encryption expectations on a hit', () => {
    const { verifier, key, metrics } = setup();
    const token = signToken(key, claims({ aud: 'a' }));
    verifier.verify(token, { audience: 'a' });
    expect(refusal(() => verifier.verify(token, { audience: 'b' }))).toBe('ERR_TOKEN_AUDIENCE');
    expect(refusal(() => verifier.verify(token, { requireEncrypted: true }))).toBe('ERR_TOKEN_ENCRYPTION_REQUIRED');
    expect(verifier.stats.signatureChecks).toBe(1);
    expect(metrics.refused).toHaveBeenCalledWith('ERR_TOKEN_AUDIENCE');
  });

  it('never serves an entry past exp plus skew', () => {
    const { verifier, key, clock } = setup();
    const token = signToken(key, claims({ exp: nowSeconds + 60 }));
    verifier.verify(token);
    clock.now = (nowSeconds + 60 + 29) * 1000;
    expect(verifier.verify(token).jti).toBeDefined();
    clock.now = (nowSeconds + 60 + 30) * 1000;
    expect(refusal(() => verifier.verify(token))).toBe('ERR_TOKEN_EXPIRED');
  });

  it("never serves an entry past its key's verifiableUntil", () => {
    const { verifier, keys, key, clock } = setup();
    keys.apply(keyState(key, { state: 'retiring', verifiableUntil: new Date(clock.now + 10_000).toISOString() }), key.kid);
    const token = signToken(key, claims());
    verifier.verify(token);
    clock.now += 10_000;
    expect(refusal(() => verifier.verify(token))).toBe('ERR_TOKEN_KEY_RETIRED');
  });

  it('does not cache refused tokens', () => {
    const { verifier, key } = setup();
    const token = signToken(key, claims({ iss: 'https://evil.test' }));
    expect(refusal(() => verifier.verify(token))).toBe('ERR_TOKEN_ISSUER');
    expect(refusal(() => verifier.verify(token))).toBe('ERR_TOKEN_ISSUER');
    expect(verifier.cacheSize).toBe(0);
    expect(verifier.stats.signatureChecks).toBe(2);
  });

  it('purges the entry when a revocation of its jti arrives, and refuses it afterwards', () => {
    const { verifier, key, revocations } = setup();
    const token = signToken(key, claims({ jti: 'jti-x' }));
    const other = signToken(key, claims({ jti: 'jti-y' }));
    verifier.verify(token);
    verifier.verify(other);
    expect(verifier.cacheSize).toBe(2);
    revocations.applyRevocation(revocation({ revocationId: 'jti:jti-x', jti: 'jti-x' }), 'jti:jti-x');
    expect(verifier.cacheSize).toBe(1);
    expect(refusal(() => verifier.verify(token))).toBe('ERR_TOKEN_REVOKED');
    expect(verifier.verify(other).jti).toBe('jti-y');
  });

  it('checks revocations on every hit', () => {
    const { verifier, key, revocations } = setup({ cacheSize: 10 });
    const token = signToken(key, claims({ sub: 'alice', iat: nowSeconds - 60 }));
    verifier.verify(token);
    verifier.close();
    revocations.applyRevocation(revocation({ revocationId: 'sub:acme:alice', kind: 'subject', subject: 'alice', issuedBefore: new Date(nowSeconds * 1000).toISOString() }), 'sub:acme:alice');
    expect(verifier.cacheSize).toBe(1);
    expect(refusal(() => verifier.verify(token))).toBe('ERR_TOKEN_REVOKED');
    expect(verifier.stats.cacheHits).toBe(1);
  });

  it('purges entries of a key when it is revoked or removed', () => {
    const { verifier, keys, key } = setup();
    const second = testKey('EdDSA');
    keys.apply(keyState(second), second.kid);
    const token = signToken(key, claims());
    verifier.verify(token);
    verifier.verify(signToken(second, claims()));
    keys.apply(keyState(key, { state: 'revoked' }), key.kid);
    expect(verifier.cacheSize).toBe(1);
    expect(refusal(() => verifier.verify(token))).toBe('ERR_TOKEN_KEY_REVOKED');
    keys.apply(null, second.kid);
    expect(verifier.cacheSize).toBe(0);
  });

  it('keeps entries when a key merely moves from active to retiring', () => {
    const { verifier, keys, key } = setup();
    verifier.verify(signToken(key, claims()));
    keys.apply(keyState(key, { state: 'retiring' }), key.kid);
    expect(verifier.cacheSize).toBe(1);
  });

  it('purges entries of a suspended application', () => {
    const { verifier, key, revocations } = setup();
    const token = signToken(key, claims({ client_id: 'app-9' }));
    verifier.verify(token);
    revocations.applyApplication({ applicationId: 'app-9', tenantId: 'acme', teamId: 't', name: 'n', status: 'suspended', requireEncryptedTokens: false, allowedScopes: [], updatedAt: new Date().toISOString() }, 'app-9');
    expect(verifier.cacheSize).toBe(0);
    expect(refusal(() => verifier.verify(token))).toBe('ERR_TOKEN_REVOKED');
  });

  it('stays within its bound, keeping recently used entries', () => {
    const { verifier, key } = setup({ cacheSize: 2 });
    const [a, b, c] = [1, 2, 3].map(() => signToken(key, claims()));
    verifier.verify(a!);
    verifier.verify(b!);
    verifier.verify(a!);
    verifier.verify(c!);
    expect(verifier.cacheSize).toBe(2);
    const before = verifier.stats.signatureChecks;
    verifier.verify(a!);
    expect(verifier.stats.signatureChecks).toBe(before);
    verifier.verify(b!);
    expect(verifier.stats.signatureChecks).toBe(before + 1);
  });

  it('verifies every time when the cache is disabled', () => {
    const { verifier, key } = setup({ cacheSize: 0 });
    const token = signToken(key, claims());
    verifier.verify(token);
    verifier.verify(token);
    expect(verifier.stats.signatureChecks).toBe(2);
  });
});

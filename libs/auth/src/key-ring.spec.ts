import { generateKeyPairSync } from 'node:crypto';
import { KeyStateV1, type PublicJwk } from '@gatehouse/contracts';
import { describe, expect, it, vi } from 'vitest';
import { DecryptionKeyRing, VerificationKeyRing } from './key-ring';
import { wrapPrivateKey } from './key-transport';
import { encryptionKeyState, keyState, NOW, testKey, transportSecret } from './testing/token-factory';
import { refusal } from './testing/refusal';

describe('VerificationKeyRing', () => {
  it('builds records that satisfy the KeyStateV1 contract', () => {
    expect(KeyStateV1.schema.safeParse(keyState(testKey('PS256'))).success).toBe(true);
  });

  it('imports a key once and reuses it across state changes', () => {
    const ring = new VerificationKeyRing();
    const key = testKey('ES256');
    ring.apply(keyState(key, { state: 'pending' }), key.kid);
    const material = ring.resolve(key.kid, NOW).material;
    ring.apply(keyState(key, { state: 'active' }), key.kid);
    ring.apply(keyState(key, { state: 'retiring' }), key.kid);
    expect(ring.resolve(key.kid, NOW).material).toBe(material);
    expect(ring.resolve(key.kid, NOW).state).toBe('retiring');
  });

  it('tells listeners about revocation, removal and a shortened verifiableUntil, not about benign updates', () => {
    const ring = new VerificationKeyRing();
    const listener = vi.fn();
    ring.onInvalidated(listener);
    const key = testKey('EdDSA');
    ring.apply(keyState(key), key.kid);
    ring.apply(keyState(key, { state: 'retiring' }), key.kid);
    expect(listener).not.toHaveBeenCalled();
    ring.apply(keyState(key, { state: 'retiring', verifiableUntil: new Date(NOW + 60_000).toISOString() }), key.kid);
    expect(listener).toHaveBeenCalledTimes(1);
    ring.apply(keyState(key, { state: 'revoked' }), key.kid);
    expect(listener).toHaveBeenCalledTimes(2);
    expect(refusal(() => ring.resolve(key.kid, NOW))).toBe('ERR_TOKEN_KEY_REVOKED');
    ring.apply(null, key.kid);
    expect(ring.size).toBe(0);
  });

  it('refuses to import a key whose JWK does not fit its algorithm, failing closed', () => {
    const ring = new VerificationKeyRing();
    const key = testKey('ES256');
    ring.apply(keyState(key), key.kid);
    const rsa = testKey('RS256');
    expect(() => ring.apply(keyState(key, { alg: 'ES256', publicJwk: { ...rsa.publicJwk, kid: key.kid, alg: 'ES256' } }), key.kid)).toThrow(/ES256 needs an EC P-256 key/);
    expect(refusal(() => ring.resolve(key.kid, NOW))).toBe('ERR_TOKEN_KID_UNKNOWN');
    expect(() => ring.apply(keyState(key, { alg: 'RS256' }), key.kid)).toThrow(/differs/);
  });

  it('refuses RSA keys under 2048 bits', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    const key = testKey('RS256');
    const ring = new VerificationKeyRing();
    expect(() => ring.apply(keyState(key, { publicJwk: { ...small, kid: key.kid, alg: 'RS256', use: 'sig' } as PublicJwk }), key.kid)).toThrow(/at least 2048 bits/);
  });

  it('refuses a record arriving under another message key', () => {
    const key = testKey('ES256');
    expect(() => new VerificationKeyRing().apply(keyState(key), 'other')).toThrow(/arrived under message key/);
  });

  it('ignores encryption keys and lists usable kids', () => {
    const ring = new VerificationKeyRing();
    const signing = testKey('ES256');
    const encryption = testKey('ECDH-ES+A256KW');
    ring.apply(keyState(signing), signing.kid);
    ring.apply(keyState(encryption), encryption.kid);
    expect(ring.usableKids(NOW)).toEqual([signing.kid]);
  });
});

describe('DecryptionKeyRing', () => {
  it('unwraps a gateway key once with the transport secret', async () => {
    const secret = transportSecret();
    const ring = new DecryptionKeyRing({ transportSecrets: secret });
    const key = testKey('ECDH-ES+A256KW');
    await ring.apply(await encryptionKeyState(key, secret), key.kid);
    const material = ring.resolve(key.kid, NOW).material;
    expect(material.curve).toBe('P-256');
    const state = await encryptionKeyState(key, secret);
    await ring.apply({ ...state, state: 'retiring' }, key.kid);
    expect(ring.resolve(key.kid, NOW).material).toBe(material);
    expect(ring.resolve(key.kid, NOW).state).toBe('retiring');
  });

  it('keeps a key usable, without unwrapping it again, when a record only re-wraps it', async () => {
    const first = transportSecret('gw-a');
    const second = transportSecret('gw-b');
    const ring = new DecryptionKeyRing({ transportSecrets: [first, second] });
    const listener = vi.fn();
    ring.onInvalidated(listener);
    const key = testKey('ECDH-ES+A256KW');
    await ring.apply(await encryptionKeyState(key, first), key.kid);
    const material = ring.resolve(key.kid, NOW).material;
    const rewrapped = await encryptionKeyState(key, second, { state: 'retiring' });
    const applying = ring.apply(rewrapped, key.kid);
    expect(ring.resolve(key.kid, NOW)).toMatchObject({ state: 'retiring', material });
    await applying;
    expect(ring.resolve(key.kid, NOW).material).toBe(material);
    expect(listener).not.toHaveBeenCalled();
  });

  it('unwraps again, failing closed meanwhile, when the public key under a kid changes', async () => {
    const secret = transportSecret();
    const ring = new DecryptionKeyRing({ transportSecrets: secret });
    const key = testKey('ECDH-ES+A256KW');
    await ring.apply(await encryptionKeyState(key, secret), key.kid);
    const other = testKey('ECDH-ES+A256KW');
    const replaced = await encryptionKeyState({ ...other, kid: key.kid, publicJwk: { ...other.publicJwk, kid: key.kid } }, secret);
    const applying = ring.apply(replaced, key.kid);
    expect(refusal(() => ring.resolve(key.kid, NOW))).toBe('ERR_TOKEN_KID_UNKNOWN');
    await applying;
    expect(ring.resolve(key.kid, NOW).material.privateKey.export({ format: 'jwk' }).d).toBe(other.privateJwk.d);
  });

  it('reports a key it cannot unwrap and keeps it unusable', async () => {
    const onError = vi.fn();
    const ring = new DecryptionKeyRing({ transportSecrets: transportSecret('gw-a'), onError });
    const key = testKey('RSA-OAEP-256');
    await ring.apply(await encryptionKeyState(key, transportSecret('gw-b')), key.kid);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'ERR_KEY_TRANSPORT' }), key.kid);
    expect(refusal(() => ring.resolve(key.kid, NOW))).toBe('ERR_TOKEN_KID_UNKNOWN');
  });

  it('refuses a private key that is not the pair of the published public key', async () => {
    const secret = transportSecret();
    const onError = vi.fn();
    const ring = new DecryptionKeyRing({ transportSecrets: secret, onError });
    const key = testKey('ECDH-ES+A256KW');
    const other = testKey('ECDH-ES+A256KW');
    await ring.apply(keyState(key, { privateKey: await wrapPrivateKey(other.privateJwk, 'gateway', secret) }), key.kid);
    expect(onError.mock.calls[0]![0].message).toMatch(/does not match the published public key/);
  });

  it('refuses keys wrapped for identity', async () => {
    const secret = transportSecret();
    const ring = new DecryptionKeyRing({ transportSecrets: secret });
    const key = testKey('ECDH-ES+A256KW');
    await ring.apply(keyState(key, { privateKey: await wrapPrivateKey(key.privateJwk, 'identity', secret) }), key.kid);
    expect(refusal(() => ring.resolve(key.kid, NOW))).toBe('ERR_TOKEN_KID_UNKNOWN');
  });

  it('lets a later tombstone win over an unwrap still in progress', async () => {
    const secret = transportSecret();
    const ring = new DecryptionKeyRing({ transportSecrets: secret });
    const key = testKey('ECDH-ES+A256KW');
    const pending = ring.apply(await encryptionKeyState(key, secret), key.kid);
    await ring.apply(null, key.kid);
    await pending;
    await ring.settled();
    expect(refusal(() => ring.resolve(key.kid, NOW))).toBe('ERR_TOKEN_KID_UNKNOWN');
  });

  it('applies a revocation before returning', async () => {
    const secret = transportSecret();
    const ring = new DecryptionKeyRing({ transportSecrets: secret });
    const listener = vi.fn();
    ring.onInvalidated(listener);
    const key = testKey('ECDH-ES+A256KW');
    const state = await encryptionKeyState(key, secret);
    await ring.apply(state, key.kid);
    void ring.apply({ ...state, state: 'revoked' }, key.kid);
    expect(refusal(() => ring.resolve(key.kid, NOW))).toBe('ERR_TOKEN_KEY_REVOKED');
    expect(listener).toHaveBeenCalledWith(key.kid);
  });
});

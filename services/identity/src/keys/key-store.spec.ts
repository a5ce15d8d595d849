import { generateKeyPairSync } from 'node:crypto';
import { type KeyState, type TransportSecret, unwrapPrivateKey, wrapPrivateKey } from '@gatehouse/auth';
import type { PublicJwk } from '@gatehouse/contracts';
import type { JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { KeyStore } from './key-store';

const secret: TransportSecret = { id: 'identity-test', key: new Uint8Array(32).fill(3) };
const NOW = Date.parse('2030-01-01T00:00:00Z');
const iso = (offsetMs: number) => new Date(NOW + offsetMs).toISOString();

async function record(kid: string, overrides: Partial<KeyState> = {}, purpose: KeyState['purpose'] = 'access-token-signing'): Promise<KeyState> {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signing = purpose === 'access-token-signing';
  const alg = signing ? 'ES256' : 'ECDH-ES+A256KW';
  return {
    kid,
    keySetId: signing ? 'ks-sign' : 'ks-enc',
    purpose,
    tenantId: null,
    alg,
    state: 'active',
    publicJwk: { ...(publicKey.export({ format: 'jwk' }) as object), kid, alg, use: signing ? 'sig' : 'enc' } as PublicJwk,
    privateKey: await wrapPrivateKey(privateKey.export({ format: 'jwk' }) as JWK, signing ? 'identity' : 'gateway', secret),
    activatesAt: iso(-3600_000),
    retiresAt: null,
    verifiableUntil: null,
    createdAt: iso(-7200_000),
    ...overrides,
  };
}

describe('KeyStore', () => {
  it('signs with the active key that started last, and publishes pending, active and retiring keys', async () => {
    const errors: string[] = [];
    const store = new KeyStore(secret, (error) => errors.push(error.message));
    await store.apply(await record('old', { state: 'retiring', retiresAt: iso(-60_000), verifiableUntil: iso(3600_000) }), 'old');
    await store.apply(await record('current', { activatesAt: iso(-60_000) }), 'current');
    await store.apply(await record('next', { state: 'pending', activatesAt: iso(600_000) }), 'next');
    expect(store.activeSigningKey('acme', NOW)?.kid).toBe('current');
    expect(store.publicJwks(NOW).map((jwk) => jwk.kid).sort()).toEqual(['current', 'next', 'old']);
    expect(store.publicJwks(NOW + 7200_000).map((jwk) => jwk.kid).sort()).toEqual(['current', 'next']);
    await store.apply(null, 'current');
    expect(store.activeSigningKey('acme', NOW)).toBeNull();
    expect(errors).toEqual([]);
  });

  it("prefers the tenant's own set and falls back to the platform's", async () => {
    const store = new KeyStore(secret, () => undefined);
    await store.apply(await record('platform-key'), 'platform-key');
    await store.apply(await record('acme-key', { tenantId: 'acme', keySetId: 'ks-acme' }), 'acme-key');
    expect(store.activeSigningKey('acme', NOW)?.kid).toBe('acme-key');
    expect(store.activeSigningKey('globex', NOW)?.kid).toBe('platform-key');
  });

  it("keeps a tenant on the platform key while its set's first key is only pre-published", async () => {
    const store = new KeyStore(secret, () => undefined);
    await store.apply(await record('platform-key'), 'platform-key');
    const first = await record('acme-first', { tenantId: 'acme', keySetId: 'ks-acme', state: 'pending', activatesAt: iso(600_000) });
    await store.apply(first, 'acme-first');
    expect(store.activeSigningKey('acme', NOW)?.kid).toBe('platform-key');
    expect(store.activeSigningKey('acme', NOW + 600_000)?.kid).toBe('platform-key');
    expect(store.publicJwks(NOW).map((jwk) => jwk.kid).sort()).toEqual(['acme-first', 'platform-key']);
    await store.apply({ ...first, state: 'active', activatesAt: iso(600_000) }, 'acme-first');
    expect(store.activeSigningKey('acme', NOW + 600_000)?.kid).toBe('acme-first');
    expect(store.activeSigningKey('globex', NOW + 600_000)?.kid).toBe('platform-key');
  });

  it('never signs with a key it cannot unwrap, and says why without key material', async () => {
    const errors: string[] = [];
    const store = new KeyStore({ id: 'identity-test', key: new Uint8Array(32).fill(9) }, (error) => errors.push(error.message));
    await store.apply(await record('sealed'), 'sealed');
    expect(store.activeSigningKey('acme', NOW)).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/does not open/);
  });

  it('keeps signing, without a pause, while a record only re-wraps the active key', async () => {
    const errors: string[] = [];
    const store = new KeyStore(secret, (error) => errors.push(error.message));
    const first = await record('current');
    await store.apply(first, 'current');
    const prepared = store.activeSigningKey('acme', NOW)!.material;
    const unwrapped = await unwrapPrivateKey(first.privateKey!, secret, 'identity');
    const rewrapped = { ...first, privateKey: await wrapPrivateKey(unwrapped, 'identity', secret) };
    expect(rewrapped.privateKey.jwe).not.toBe(first.privateKey!.jwe);
    const applying = store.apply(rewrapped, 'current');
    expect(store.activeSigningKey('acme', NOW)?.material).toBe(prepared);
    await applying;
    expect(store.activeSigningKey('acme', NOW)?.material).toBe(prepared);
    await store.apply({ ...rewrapped, privateKey: null }, 'current');
    expect(store.activeSigningKey('acme', NOW)).toBeNull();
    expect(errors).toEqual([]);
  });

  it('keeps the gateway encryption public key without needing its private part', async () => {
    const store = new KeyStore(secret, () => undefined);
    await store.apply(await record('enc', {}, 'access-token-encryption'), 'enc');
    expect(store.activeEncryptionKey('acme', NOW)).toMatchObject({ kid: 'enc', alg: 'ECDH-ES+A256KW', curve: 'P-256' });
    expect(store.publicJwks(NOW)).toEqual([]);
  });
});

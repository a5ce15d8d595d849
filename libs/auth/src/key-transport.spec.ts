import { generateKeyPairSync } from 'node:crypto';
import type { JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { deriveTransportSecret, KeyTransportError, transportSecretFromEnv, transportSecretsFromEnv, unwrapPrivateKey, wrapPrivateKey } from './key-transport';

const privateJwk = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }) as JWK;
const secret = (id = 'gw-1', fill = 9) => ({ id, key: new Uint8Array(32).fill(fill) });

describe('key transport', () => {
  it('round-trips a private key as a compact A256KW/A256GCM JWE whose kid is the secret id', async () => {
    const jwk = privateJwk();
    const wrapped = await wrapPrivateKey(jwk, 'gateway', secret());
    expect(wrapped.recipient).toBe('gateway');
    expect(wrapped.jwe.split('.')).toHaveLength(5);
    const header = JSON.parse(Buffer.from(wrapped.jwe.split('.')[0]!, 'base64url').toString());
    expect(header).toMatchObject({ alg: 'A256KW', enc: 'A256GCM', kid: 'gw-1' });
    expect(wrapped.jwe).not.toContain(jwk.d);
    expect(await unwrapPrivateKey(wrapped, secret(), 'gateway')).toEqual(jwk);
  });

  it('picks the matching secret among several', async () => {
    const wrapped = await wrapPrivateKey(privateJwk(), 'gateway', secret('gw-2', 2));
    expect((await unwrapPrivateKey(wrapped, [secret('gw-1', 1), secret('gw-2', 2)])).kty).toBe('EC');
  });

  it('refuses a secret with another id, and a secret with the right id but another key', async () => {
    const wrapped = await wrapPrivateKey(privateJwk(), 'gateway', secret());
    await expect(unwrapPrivateKey(wrapped, secret('gw-other'))).rejects.toThrow(/transport secret "gw-1", which this service does not hold/);
    await expect(unwrapPrivateKey(wrapped, secret('gw-1', 10))).rejects.toThrow(/does not open/);
  });

  it('refuses a key wrapped for another recipient', async () => {
    const wrapped = await wrapPrivateKey(privateJwk(), 'identity', secret());
    await expect(unwrapPrivateKey(wrapped, secret(), 'gateway')).rejects.toThrow(/wrapped for identity, not for gateway/);
    await expect(unwrapPrivateKey({ ...wrapped, recipient: 'gateway' }, secret(), 'gateway')).rejects.toThrow(/another recipient/);
  });

  it('refuses to wrap a public key or with a short secret', async () => {
    const { kty, crv, x, y } = privateJwk();
    await expect(wrapPrivateKey({ kty, crv, x, y }, 'gateway', secret())).rejects.toBeInstanceOf(KeyTransportError);
    await expect(wrapPrivateKey(privateJwk(), 'gateway', { id: 'a', key: new Uint8Array(16) })).rejects.toThrow(/32 bytes/);
  });

  it('parses "<id>:<base64url 32 bytes>" from the environment with precise errors', () => {
    const key = Buffer.alloc(32, 5).toString('base64url');
    expect(transportSecretFromEnv(`gw-2030:${key}`)).toEqual({ id: 'gw-2030', key: new Uint8Array(32).fill(5) });
    expect(() => transportSecretFromEnv('', 'GATEWAY_TRANSPORT_SECRET')).toThrow('GATEWAY_TRANSPORT_SECRET is empty');
    expect(() => transportSecretFromEnv(key, 'X')).toThrow('X has no ":"');
    expect(() => transportSecretFromEnv(`:${key}`, 'X')).toThrow('X id (before ":")');
    expect(() => transportSecretFromEnv('id:abc=', 'X')).toThrow('X key (after ":") is not unpadded base64url');
    expect(() => transportSecretFromEnv(`id:${Buffer.alloc(16).toString('base64url')}`, 'X')).toThrow('X key decodes to 16 bytes; it must be exactly 32');
    try {
      transportSecretFromEnv(`bad id:${key}`, 'X');
    } catch (error) {
      expect((error as Error).message).not.toContain(key);
    }
  });

  it('parses several comma-separated secrets, new one first, and refuses a repeated id', () => {
    const key = (fill: number) => Buffer.alloc(32, fill).toString('base64url');
    expect(transportSecretsFromEnv(`t2:${key(2)}, t1:${key(1)}`, 'X').map((secret) => secret.id)).toEqual(['t2', 't1']);
    expect(() => transportSecretsFromEnv(`t1:${key(2)},t1:${key(1)}`, 'X')).toThrow('X names the id "t1" twice');
    expect(() => transportSecretsFromEnv(`t2:${key(2)},`, 'X')).toThrow('X is empty');
  });

  it('derives distinct, stable secrets per recipient from one master secret', () => {
    const gateway = deriveTransportSecret('development-master-secret', 'gateway');
    expect(deriveTransportSecret('development-master-secret', 'gateway')).toEqual(gateway);
    const identity = deriveTransportSecret('development-master-secret', 'identity');
    expect(identity.id).toMatch(/^identity-[0-9a-f]{12}$/);
    expect(Buffer.from(identity.key).equals(Buffer.from(gateway.key))).toBe(false);
    expect(gateway.key).toHaveLength(32);
    expect(() => deriveTransportSecret('short', 'gateway')).toThrow(/at least 16 bytes/);
  });
});

import { generateKeyPairSync } from 'node:crypto';
import type { JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { wrapPrivateKey } from './key-transport';
import { unwrapSecret, wrapSecret } from './secret-transport';

const transport = (id = 'gw-1', fill = 7) => ({ id, key: new Uint8Array(32).fill(fill) });
const credential = 'sk-live-0123456789abcdef';

describe('secret transport', () => {
  it('round-trips a secret as a compact A256KW/A256GCM JWE naming recipient and subject', async () => {
    const wrapped = await wrapSecret(credential, 'gateway', transport(), 'provider:p1');
    expect(wrapped.recipient).toBe('gateway');
    expect(wrapped.jwe.split('.')).toHaveLength(5);
    expect(wrapped.jwe).not.toContain(credential);
    const header = JSON.parse(Buffer.from(wrapped.jwe.split('.')[0]!, 'base64url').toString());
    expect(header).toEqual({ alg: 'A256KW', enc: 'A256GCM', kid: 'gw-1', cty: 'gatehouse-secret', gatehouse_recipient: 'gateway', gatehouse_subject: 'provider:p1' });
    expect(await unwrapSecret(wrapped, transport(), { recipient: 'gateway', subject: 'provider:p1' })).toBe(credential);
    expect(await unwrapSecret(wrapped, [transport('gw-0', 1), transport()])).toBe(credential);
  });

  it('refuses another subject, recipient, transport secret or a tampered envelope', async () => {
    const wrapped = await wrapSecret(credential, 'gateway', transport(), 'provider:p1');
    await expect(unwrapSecret(wrapped, transport(), { subject: 'provider:p2' })).rejects.toThrow('wrapped secret belongs to provider:p1, not to provider:p2');
    await expect(unwrapSecret(wrapped, transport(), { recipient: 'identity' })).rejects.toThrow('secret is wrapped for gateway, not for identity');
    await expect(unwrapSecret({ ...wrapped, recipient: 'identity' }, transport())).rejects.toThrow('header names another recipient than identity');
    await expect(unwrapSecret(wrapped, transport('gw-2'))).rejects.toThrow('transport secret "gw-1", which this service does not hold');
    await expect(unwrapSecret(wrapped, transport('gw-1', 8))).rejects.toThrow('does not open with transport secret "gw-1"');
    await expect(unwrapSecret({ ...wrapped, jwe: 'not-a-jwe' }, transport())).rejects.toThrow('not a compact JWE');
  });

  it('refuses to open a wrapped private key as a secret', async () => {
    const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }) as JWK;
    const key = await wrapPrivateKey(jwk, 'gateway', transport());
    await expect(unwrapSecret(key, transport())).rejects.toThrow('cty gatehouse-secret');
  });

  it('refuses empty or oversized secrets, bad subjects and bad transport secrets', async () => {
    await expect(wrapSecret('', 'gateway', transport(), 'provider:p1')).rejects.toThrow('1 to 16384 bytes');
    await expect(wrapSecret('x'.repeat(16_385), 'gateway', transport(), 'provider:p1')).rejects.toThrow('1 to 16384 bytes');
    await expect(wrapSecret(credential, 'gateway', transport(), '')).rejects.toThrow('subject');
    await expect(wrapSecret(credential, 'gateway', { id: 'gw-1', key: new Uint8Array(16) }, 'provider:p1')).rejects.toThrow('exactly 32 bytes');
  });
});

import { publicJwkSchema } from '@gatehouse/contracts';
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeyGenerator } from './key-generator';

const generator = new KeyGenerator();

describe('KeyGenerator', () => {
  it.each([
    ['ES256', 'EC', 'P-256', 'sig'],
    ['EdDSA', 'OKP', 'Ed25519', 'sig'],
    ['RS256', 'RSA', undefined, 'sig'],
    ['PS256', 'RSA', undefined, 'sig'],
    ['ECDH-ES+A256KW', 'EC', 'P-256', 'enc'],
    ['RSA-OAEP-256', 'RSA', undefined, 'enc'],
  ] as const)('generates %s keys with a public JWK free of private members', async (alg, kty, crv, use) => {
    const key = await generator.generate(alg);
    const publicJwk = publicJwkSchema.parse(key.publicJwk);
    expect(publicJwk).toMatchObject({ kty, alg, use, kid: key.kid, ...(crv ? { crv } : {}) });
    expect(JSON.stringify(publicJwk)).not.toContain('"d"');
    const privateJwk = JSON.parse(key.privateJwk.toString('utf8'));
    expect(privateJwk).toMatchObject({ kid: key.kid, alg, use });
    expect(typeof privateJwk.d).toBe('string');
  });

  it('produces a private key that matches its public key', async () => {
    const key = await generator.generate('ES256');
    const privateKey = createPrivateKey({ key: JSON.parse(key.privateJwk.toString('utf8')), format: 'jwk' });
    const signature = sign('sha256', Buffer.from('m'), privateKey);
    expect(verify('sha256', Buffer.from('m'), createPublicKey({ key: key.publicJwk as never, format: 'jwk' }), signature)).toBe(true);
  });

  it('generates 3072-bit RSA keys on request', async () => {
    const key = await generator.generate('RS256', 3072);
    expect(Buffer.from(key.publicJwk.n!, 'base64url').length).toBe(384);
  });
});

import { unwrapSecret } from '@gatehouse/auth';
import { LocalMasterKeyVault } from '@gatehouse/vault';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GatewayTransport } from '../common/ai-secrets';
import { AiProviderEntity } from './ai-provider.entity';
import { ProviderCredentials } from './provider-credentials.service';

const secret = { id: 'gw-1', key: new Uint8Array(randomBytes(32)) };
const credential = 'sk-test-0123456789abcdefghij';

const provider = (id: string, tenantId = 'acme') => Object.assign(new AiProviderEntity(), { id, tenantId, credentialCiphertext: null, credentialKeyId: null });

describe('ProviderCredentials', () => {
  it('seals a credential under the vault and hands it to the gateway only as a JWE for that provider', async () => {
    const credentials = new ProviderCredentials(new LocalMasterKeyVault([{ id: 'mk1', key: randomBytes(32) }]), new GatewayTransport(secret));
    const owner = provider('p1');
    const sealed = await credentials.seal(owner, credential);
    expect(sealed.keyId).toBe('mk1');
    expect(sealed.ciphertext.includes(Buffer.from(credential))).toBe(false);
    expect(sealed.fingerprint).toMatch(/^sha256:[0-9a-f]{12}$/);
    Object.assign(owner, { credentialCiphertext: sealed.ciphertext, credentialKeyId: sealed.keyId });
    const wrapped = (await credentials.forGateway(owner))!;
    expect(wrapped.jwe).not.toContain(credential);
    expect(await unwrapSecret(wrapped, secret, { recipient: 'gateway', subject: 'provider:p1' })).toBe(credential);
    expect(await credentials.forGateway(provider('p2'))).toBeNull();
  });

  it('binds the sealed credential to its provider and tenant', async () => {
    const credentials = new ProviderCredentials(new LocalMasterKeyVault([{ id: 'mk1', key: randomBytes(32) }]), new GatewayTransport(secret));
    const sealed = await credentials.seal(provider('p1'), credential);
    const moved = Object.assign(provider('p2'), { credentialCiphertext: sealed.ciphertext, credentialKeyId: sealed.keyId });
    await expect(credentials.forGateway(moved)).rejects.toThrow('failed authentication');
    const otherTenant = Object.assign(provider('p1', 'globex'), { credentialCiphertext: sealed.ciphertext, credentialKeyId: sealed.keyId });
    await expect(credentials.forGateway(otherTenant)).rejects.toThrow('failed authentication');
  });

  it('re-seals under the current master key after a rotation', async () => {
    const old = { id: 'mk1', key: randomBytes(32) };
    const sealed = await new ProviderCredentials(new LocalMasterKeyVault([old]), new GatewayTransport(secret)).seal(provider('p1'), credential);
    const rotated = new ProviderCredentials(new LocalMasterKeyVault([{ id: 'mk2', key: randomBytes(32) }, old]), new GatewayTransport(secret));
    const resealed = await rotated.reseal(Object.assign(provider('p1'), { credentialCiphertext: sealed.ciphertext, credentialKeyId: 'mk1' }));
    expect(resealed.keyId).toBe('mk2');
    const reopened = Object.assign(provider('p1'), { credentialCiphertext: resealed.ciphertext, credentialKeyId: resealed.keyId });
    expect(await unwrapSecret((await rotated.forGateway(reopened))!, secret)).toBe(credential);
  });
});

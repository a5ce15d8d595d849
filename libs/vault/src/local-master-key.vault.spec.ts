import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { VaultError } from './key-vault';
import { LocalMasterKeyVault } from './local-master-key.vault';

const context = { domain: 'gatehouse-keys', ids: ['kid-1', 'set-1'] };
const master = (id: string) => ({ id, key: randomBytes(32) });

describe('LocalMasterKeyVault', () => {
  it('round-trips and never repeats an IV', async () => {
    const vault = new LocalMasterKeyVault([master('m1')]);
    const secret = Buffer.from('{"d":"private"}');
    const [a, b] = [await vault.wrap(secret, context), await vault.wrap(secret, context)];
    expect(a.keyId).toBe('m1');
    expect(a.data.equals(b.data)).toBe(false);
    expect(a.data.includes(secret)).toBe(false);
    expect((await vault.unwrap(a, context)).equals(secret)).toBe(true);
  });

  it('binds the blob to its domain and every id of its context', async () => {
    const vault = new LocalMasterKeyVault([master('m1')]);
    const blob = await vault.wrap(Buffer.from('x'), context);
    await expect(vault.unwrap(blob, { ...context, ids: ['other', 'set-1'] })).rejects.toThrow('gatehouse-keys secret other/set-1 failed authentication under master key "m1"');
    await expect(vault.unwrap(blob, { ...context, ids: ['kid-1', 'set-2'] })).rejects.toThrow('failed authentication');
    await expect(vault.unwrap(blob, { ...context, ids: ['kid-1'] })).rejects.toThrow('failed authentication');
    await expect(vault.unwrap(blob, { domain: 'gatehouse-catalog/ai-provider', ids: context.ids })).rejects.toThrow('failed authentication');
  });

  it('keeps the AAD layout of blobs wrapped before the vault became a library', async () => {
    const key = master('m1');
    const vault = new LocalMasterKeyVault([key]);
    const blob = await vault.wrap(Buffer.from('legacy'), context);
    const { createDecipheriv } = await import('node:crypto');
    const decipher = createDecipheriv('aes-256-gcm', key.key, blob.data.subarray(1, 13), { authTagLength: 16 });
    decipher.setAAD(Buffer.from('gatehouse-keys/v1|kid-1|set-1'));
    decipher.setAuthTag(blob.data.subarray(13, 29));
    expect(Buffer.concat([decipher.update(blob.data.subarray(29)), decipher.final()]).toString()).toBe('legacy');
  });

  it('refuses contexts whose AAD would be ambiguous', async () => {
    const vault = new LocalMasterKeyVault([master('m1')]);
    await expect(vault.wrap(Buffer.from('x'), { domain: 'd', ids: ['a|b'] })).rejects.toThrow(VaultError);
    await expect(vault.wrap(Buffer.from('x'), { domain: 'd', ids: [] })).rejects.toThrow('needs at least one id');
    await expect(vault.wrap(Buffer.from('x'), { domain: 'bad domain', ids: ['a'] })).rejects.toThrow('domain must be');
  });

  it('wraps with the first master key and unwraps with any it holds', async () => {
    const old = master('m1');
    const blob = await new LocalMasterKeyVault([old]).wrap(Buffer.from('x'), context);
    const rotated = new LocalMasterKeyVault([master('m2'), old]);
    expect(rotated.keyId).toBe('m2');
    expect(rotated.canUnwrap('m1')).toBe(true);
    expect((await rotated.unwrap(blob, context)).toString()).toBe('x');
    const dropped = new LocalMasterKeyVault([master('m2')]);
    expect(dropped.canUnwrap('m1')).toBe(false);
    await expect(dropped.unwrap(blob, context)).rejects.toThrow('gatehouse-keys secret kid-1/set-1 is wrapped under master key "m1", which this vault does not hold');
  });

  it('refuses malformed master keys', () => {
    expect(() => new LocalMasterKeyVault([])).toThrow('at least one master key');
    expect(() => new LocalMasterKeyVault([{ id: 'short', key: randomBytes(16) }])).toThrow('master key short must be 32 bytes');
    const key = master('same');
    expect(() => new LocalMasterKeyVault([key, { ...key }])).toThrow('master key ids must be distinct');
  });
});

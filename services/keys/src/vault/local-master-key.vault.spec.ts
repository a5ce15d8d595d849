import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalMasterKeyVault } from './local-master-key.vault';
import { loadMasterKeys, parseMasterKeys } from './master-key.loader';

const context = { kid: 'kid-1', keySetId: 'set-1' };
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

  it('binds the blob to its kid and key set', async () => {
    const vault = new LocalMasterKeyVault([master('m1')]);
    const blob = await vault.wrap(Buffer.from('x'), context);
    await expect(vault.unwrap(blob, { ...context, kid: 'other' })).rejects.toThrow('wrapped key other failed authentication under master key "m1"');
    await expect(vault.unwrap(blob, { ...context, keySetId: 'set-2' })).rejects.toThrow('failed authentication');
  });

  it('wraps with the first master key and unwraps with any it holds', async () => {
    const old = master('m1');
    const blob = await new LocalMasterKeyVault([old]).wrap(Buffer.from('x'), context);
    const rotated = new LocalMasterKeyVault([master('m2'), old]);
    expect(rotated.keyId).toBe('m2');
    expect((await rotated.unwrap(blob, context)).toString()).toBe('x');
    await expect(new LocalMasterKeyVault([master('m2')]).unwrap(blob, context)).rejects.toThrow('wrapped under master key "m1", which this vault does not hold');
  });
});

describe('loadMasterKeys', () => {
  const base = { NODE_ENV: 'production' as const, GATEHOUSE_DEV_SECRET: 'gatehouse-dev-only' };

  it('refuses a production start without a master key, naming the variable', () => {
    expect(() => loadMasterKeys(base)).toThrow('KEYS_MASTER_KEY (or KEYS_MASTER_KEY_FILE) is required in production');
  });

  it('derives a stable development key with a warning', () => {
    const first = loadMasterKeys({ ...base, NODE_ENV: 'development' });
    expect(first.warning).toContain('KEYS_MASTER_KEY is not set');
    expect(loadMasterKeys({ ...base, NODE_ENV: 'development' }).keys[0]!.key.equals(first.keys[0]!.key)).toBe(true);
  });

  it('parses a bare key and an ordered list of versioned keys', () => {
    const a = randomBytes(32).toString('base64url');
    const b = randomBytes(32).toString('base64url');
    expect(parseMasterKeys(a, 'KEYS_MASTER_KEY')[0]!.id).toMatch(/^mk-[0-9a-f]{12}$/);
    expect(parseMasterKeys(`v2:${b}, v1:${a}`, 'KEYS_MASTER_KEY').map((key) => key.id)).toEqual(['v2', 'v1']);
  });

  it('reads the master keys from KEYS_MASTER_KEY_FILE, one per line, and names the file variable on errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keys-master-'));
    const file = join(dir, 'master-keys');
    writeFileSync(file, `v2:${randomBytes(32).toString('base64url')}\nv1:${randomBytes(32).toString('base64url')}\n`);
    expect(loadMasterKeys({ ...base, KEYS_MASTER_KEY_FILE: file }).keys.map((key) => key.id)).toEqual(['v2', 'v1']);
    writeFileSync(file, 'v1:nope\n');
    expect(() => loadMasterKeys({ ...base, KEYS_MASTER_KEY_FILE: file })).toThrow('KEYS_MASTER_KEY_FILE entry 1: the key must be 32 bytes');
    expect(() => loadMasterKeys({ ...base, KEYS_MASTER_KEY_FILE: join(dir, 'missing') })).toThrow('KEYS_MASTER_KEY_FILE cannot be read (ENOENT)');
  });

  it('says which entry is wrong and why, without echoing it', () => {
    expect(() => parseMasterKeys('v1:short', 'KEYS_MASTER_KEY')).toThrow('KEYS_MASTER_KEY entry 1: the key must be 32 bytes in unpadded base64url (43 characters)');
    const a = randomBytes(32).toString('base64url');
    expect(() => parseMasterKeys(`v1:${a},v1:${a}`, 'KEYS_MASTER_KEY')).toThrow('master key ids must be distinct');
  });
});

import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMasterKeys, type MasterKeyOptions, parseMasterKeys } from './master-key.loader';

const keysOptions: MasterKeyOptions = { variable: 'KEYS_MASTER_KEY', service: 'keys', protects: 'store private keys' };
const catalogOptions: MasterKeyOptions = { variable: 'CATALOG_MASTER_KEY', service: 'catalog', protects: 'store AI provider credentials' };

describe('loadMasterKeys', () => {
  const base = { NODE_ENV: 'production' as const, GATEHOUSE_DEV_SECRET: 'gatehouse-dev-only' };

  it('refuses a production start without a master key, naming the variable', () => {
    expect(() => loadMasterKeys(base, keysOptions)).toThrow('KEYS_MASTER_KEY (or KEYS_MASTER_KEY_FILE) is required in production: the keys service will not store private keys without a master key');
    expect(() => loadMasterKeys(base, catalogOptions)).toThrow('CATALOG_MASTER_KEY (or CATALOG_MASTER_KEY_FILE) is required in production');
  });

  it('derives a stable development key per service, with a warning', () => {
    const development = { ...base, NODE_ENV: 'development' as const };
    const first = loadMasterKeys(development, keysOptions);
    expect(first.warning).toBe('KEYS_MASTER_KEY is not set: using a master key derived from GATEHOUSE_DEV_SECRET (development only)');
    expect(loadMasterKeys(development, keysOptions).keys[0]!.key.equals(first.keys[0]!.key)).toBe(true);
    expect(loadMasterKeys(development, catalogOptions).keys[0]!.key.equals(first.keys[0]!.key)).toBe(false);
  });

  it('parses a bare key and an ordered list of versioned keys', () => {
    const a = randomBytes(32).toString('base64url');
    const b = randomBytes(32).toString('base64url');
    expect(parseMasterKeys(a, 'KEYS_MASTER_KEY')[0]!.id).toMatch(/^mk-[0-9a-f]{12}$/);
    expect(parseMasterKeys(`v2:${b}, v1:${a}`, 'KEYS_MASTER_KEY').map((key) => key.id)).toEqual(['v2', 'v1']);
    expect(loadMasterKeys({ ...base, value: `v2:${b},v1:${a}` }, catalogOptions).keys.map((key) => key.id)).toEqual(['v2', 'v1']);
  });

  it('reads the master keys from the file variable, one per line, and names the file variable on errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vault-master-'));
    const file = join(dir, 'master-keys');
    writeFileSync(file, `v2:${randomBytes(32).toString('base64url')}\nv1:${randomBytes(32).toString('base64url')}\n`);
    expect(loadMasterKeys({ ...base, file, value: randomBytes(32).toString('base64url') }, keysOptions).keys.map((key) => key.id)).toEqual(['v2', 'v1']);
    writeFileSync(file, 'v1:nope\n');
    expect(() => loadMasterKeys({ ...base, file }, keysOptions)).toThrow('KEYS_MASTER_KEY_FILE entry 1: the key must be 32 bytes');
    expect(() => loadMasterKeys({ ...base, file: join(dir, 'missing') }, keysOptions)).toThrow('KEYS_MASTER_KEY_FILE cannot be read (ENOENT)');
  });

  it('says which entry is wrong and why, without echoing it', () => {
    expect(() => parseMasterKeys('v1:short', 'KEYS_MASTER_KEY')).toThrow('KEYS_MASTER_KEY entry 1: the key must be 32 bytes in unpadded base64url (43 characters)');
    const a = randomBytes(32).toString('base64url');
    expect(() => parseMasterKeys(`v1:${a},v1:${a}`, 'KEYS_MASTER_KEY')).toThrow('master key ids must be distinct');
    expect(() => parseMasterKeys(`bad id:${a}`, 'KEYS_MASTER_KEY')).toThrow('KEYS_MASTER_KEY entry 1: the id before ":"');
    try {
      parseMasterKeys(`v1:${a.slice(0, 42)}!`, 'KEYS_MASTER_KEY');
    } catch (error) {
      expect((error as Error).message).not.toContain(a.slice(0, 42));
    }
  });
});

import { createHash, hkdfSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { MasterKey } from './local-master-key.vault';

export interface MasterKeySource {
  NODE_ENV: 'development' | 'test' | 'production';
  KEYS_MASTER_KEY?: string | undefined;
  KEYS_MASTER_KEY_FILE?: string | undefined;
  GATEHOUSE_DEV_SECRET: string;
}

export interface LoadedMasterKeys {
  keys: MasterKey[];
  /** Set when the keys were derived from the development secret. */
  warning?: string;
}

export class MasterKeyConfigError extends Error {
  override readonly name = 'MasterKeyConfigError';
}

const idPattern = /^[A-Za-z0-9._-]{1,64}$/;
const base64url = /^[A-Za-z0-9_-]{43}$/;

const fingerprintId = (key: Buffer) => `mk-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;

function parseEntry(entry: string, variable: string, index: number): MasterKey {
  const separator = entry.lastIndexOf(':');
  const id = separator < 0 ? undefined : entry.slice(0, separator);
  const encoded = separator < 0 ? entry : entry.slice(separator + 1);
  const where = `${variable} entry ${index + 1}`;
  if (id !== undefined && !idPattern.test(id)) throw new MasterKeyConfigError(`${where}: the id before ":" must be 1-64 characters of A-Z a-z 0-9 . _ -`);
  if (!base64url.test(encoded)) throw new MasterKeyConfigError(`${where}: the key must be 32 bytes in unpadded base64url (43 characters)`);
  const key = Buffer.from(encoded, 'base64url');
  if (key.length !== 32 || key.toString('base64url') !== encoded) throw new MasterKeyConfigError(`${where}: the key must be 32 bytes in canonical base64url`);
  return { id: id ?? fingerprintId(key), key };
}

/** Parses `"<key>"` or `"<id>:<key>,<id>:<key>"` (newlines also separate); the first entry is current. */
export function parseMasterKeys(value: string, variable: string): MasterKey[] {
  const entries = value.split(/[,\n]/).map((entry) => entry.trim()).filter(Boolean);
  if (entries.length === 0) throw new MasterKeyConfigError(`${variable} is empty`);
  const keys = entries.map((entry, index) => parseEntry(entry, variable, index));
  if (new Set(keys.map((key) => key.id)).size !== keys.length) throw new MasterKeyConfigError(`${variable}: master key ids must be distinct`);
  return keys;
}

/**
 * The master keys of the local vault. Outside development a master key is mandatory; in
 * development and test one is derived from GATEHOUSE_DEV_SECRET, with a warning.
 */
export function loadMasterKeys(config: MasterKeySource): LoadedMasterKeys {
  if (config.KEYS_MASTER_KEY_FILE) {
    let content: string;
    try {
      content = readFileSync(config.KEYS_MASTER_KEY_FILE, 'utf8');
    } catch (error) {
      throw new MasterKeyConfigError(`KEYS_MASTER_KEY_FILE cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    return { keys: parseMasterKeys(content, 'KEYS_MASTER_KEY_FILE') };
  }
  if (config.KEYS_MASTER_KEY) return { keys: parseMasterKeys(config.KEYS_MASTER_KEY, 'KEYS_MASTER_KEY') };
  if (config.NODE_ENV === 'production') {
    throw new MasterKeyConfigError('KEYS_MASTER_KEY (or KEYS_MASTER_KEY_FILE) is required in production: the keys service will not store private keys without a master key');
  }
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(config.GATEHOUSE_DEV_SECRET, 'utf8'), 'gatehouse/keys', 'gatehouse keys master key', 32));
  return {
    keys: [{ id: `dev-${fingerprintId(key).slice(3)}`, key }],
    warning: 'KEYS_MASTER_KEY is not set: using a master key derived from GATEHOUSE_DEV_SECRET (development only)',
  };
}

import { createHash, hkdfSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { MasterKey } from './local-master-key.vault';

/** Where a service's master keys come from. */
export interface MasterKeySource {
  NODE_ENV: 'development' | 'test' | 'production';
  GATEHOUSE_DEV_SECRET: string;
  /** Value of the variable, e.g. `KEYS_MASTER_KEY`. */
  value?: string | undefined;
  /** Value of the file variable, e.g. `KEYS_MASTER_KEY_FILE`: a path whose content is read. */
  file?: string | undefined;
}

/** Names used in messages and in the development key derivation. */
export interface MasterKeyOptions {
  /** The variable holding the keys, e.g. `KEYS_MASTER_KEY`; the file variant is `<variable>_FILE`. */
  variable: string;
  /** The service, e.g. `keys`; separates the derived development keys of services. */
  service: string;
  /** What the service will not do without a master key, e.g. `store private keys`. */
  protects: string;
}

/** The master keys, first one current. */
export interface LoadedMasterKeys {
  keys: MasterKey[];
  /** Set when the keys were derived from the development secret. */
  warning?: string;
}

/** A master key setting is missing or malformed; the message names the variable, never the value. */
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
 * The master keys of a service's local vault: from the file variable (which wins), else the
 * variable. In production one is mandatory; in development and test a key is derived from
 * GATEHOUSE_DEV_SECRET (per service), with a warning.
 */
export function loadMasterKeys(source: MasterKeySource, options: MasterKeyOptions): LoadedMasterKeys {
  const fileVariable = `${options.variable}_FILE`;
  if (source.file) {
    let content: string;
    try {
      content = readFileSync(source.file, 'utf8');
    } catch (error) {
      throw new MasterKeyConfigError(`${fileVariable} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    return { keys: parseMasterKeys(content, fileVariable) };
  }
  if (source.value) return { keys: parseMasterKeys(source.value, options.variable) };
  if (source.NODE_ENV === 'production') {
    throw new MasterKeyConfigError(
      `${options.variable} (or ${fileVariable}) is required in production: the ${options.service} service will not ${options.protects} without a master key`,
    );
  }
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(source.GATEHOUSE_DEV_SECRET, 'utf8'), `gatehouse/${options.service}`, `gatehouse ${options.service} master key`, 32));
  return {
    keys: [{ id: `dev-${fingerprintId(key).slice(3)}`, key }],
    warning: `${options.variable} is not set: using a master key derived from GATEHOUSE_DEV_SECRET (development only)`,
  };
}

import { createHash, randomBytes, randomFillSync, randomUUID } from 'node:crypto';

export const newId = (): string => randomUUID();

/** `bytes` of CSPRNG output, base64url without padding. */
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let offset = POOL_SIZE;

/**
 * 128 random bits, base64url, from a pool refilled 4 KiB at a time: one CSPRNG call per
 * 256 token ids instead of one per token (the same trade randomUUID makes).
 */
export function randomId128(): string {
  if (offset + 16 > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString('base64url', offset, offset + 16);
  offset += 16;
  return id;
}

/** Lowercase hex SHA-256, for high-entropy values (refresh tokens, API keys) only. */
export const sha256Hex = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');

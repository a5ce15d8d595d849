const alphabet = /^[A-Za-z0-9_-]*$/;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const values = new Int8Array(128).fill(-1);
for (const [index, char] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'].entries()) values[char.charCodeAt(0)] = index;

/**
 * Strict base64url (RFC 4648 section 5, no padding): only the URL-safe alphabet, no length
 * of 4n+1, and unused trailing bits zero, so every byte string has exactly one encoding.
 * Returns null for anything else.
 */
export function decodeBase64url(input: string): Buffer | null {
  if (!alphabet.test(input)) return null;
  const rest = input.length % 4;
  if (rest === 1) return null;
  if (rest !== 0) {
    const last = values[input.charCodeAt(input.length - 1)]!;
    if ((rest === 2 && (last & 0x0f) !== 0) || (rest === 3 && (last & 0x03) !== 0)) return null;
  }
  return Buffer.from(input, 'base64url');
}

/** Decodes a base64url segment holding a JSON object; null when either step fails. */
export function decodeJsonObject(segment: string): Record<string, unknown> | null {
  const bytes = decodeBase64url(segment);
  return bytes === null ? null : parseJsonObject(bytes);
}

/** Parses strict UTF-8 JSON that must be an object; null otherwise. */
export function parseJsonObject(bytes: Uint8Array): Record<string, unknown> | null {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(bytes));
  } catch {
    return null;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

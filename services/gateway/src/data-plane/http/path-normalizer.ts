import { type Rejection, rejections } from './rejections';

/** A request target after normalisation. */
export interface NormalizedTarget {
  /** Decoded, dot-resolved path with single slashes: what routes are matched against. */
  readonly path: string;
  /** The same path re-encoded canonically: what the upstream receives. */
  readonly encodedPath: string;
  /** The raw query string with its leading `?`, or `''`. */
  readonly query: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const SLASH = 0x2f;
const DOT = 0x2e;
const PERCENT = 0x25;
const BACKSLASH = 0x5c;
const HASH = 0x23;

const hexValue = (code: number): number => {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
};

/** pchar (RFC 3986) minus `%`: left as is when re-encoding a decoded segment. */
const keep = new Uint8Array(128);
for (const char of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@") keep[char.charCodeAt(0)] = 1;

function encodeSegment(segment: string): string {
  let plain = true;
  for (let index = 0; index < segment.length; index += 1) {
    const code = segment.charCodeAt(index);
    if (code >= 128 || keep[code] === 0) {
      plain = false;
      break;
    }
  }
  if (plain) return segment;
  let out = '';
  for (const byte of Buffer.from(segment, 'utf8')) {
    out += byte < 128 && keep[byte] === 1 ? String.fromCharCode(byte) : `%${byte < 16 ? '0' : ''}${byte.toString(16).toUpperCase()}`;
  }
  return out;
}

/**
 * True when the path needs no work: printable ASCII, no `%`, no `\`, no `#`, no `//` and no
 * segment starting with a dot. Most real traffic takes this branch and allocates nothing.
 */
function isCanonical(path: string): boolean {
  let previous = 0;
  for (let index = 0; index < path.length; index += 1) {
    const code = path.charCodeAt(index);
    if (code <= 0x20 || code >= 0x7f || code === PERCENT || code === BACKSLASH || code === HASH) return false;
    if (previous === SLASH && (code === SLASH || code === DOT)) return false;
    previous = code;
  }
  return true;
}

function checkQuery(query: string): boolean {
  for (let index = 1; index < query.length; index += 1) {
    const code = query.charCodeAt(index);
    if (code < 0x20 || code === 0x7f || code === HASH || code > 0xff) return false;
  }
  return true;
}

/**
 * Normalises an origin-form request target before routing: percent-decodes the path once,
 * refuses encoded separators (`%2F`, `%5C`), raw backslashes, control characters and invalid
 * UTF-8, resolves `.` and `..` (refusing to climb above the root), and collapses duplicate
 * slashes. The query string is passed through untouched.
 */
export function normalizeTarget(url: string): NormalizedTarget | Rejection {
  if (url.charCodeAt(0) !== SLASH) return rejections.invalidTarget;
  const mark = url.indexOf('?');
  const rawPath = mark === -1 ? url : url.slice(0, mark);
  const query = mark === -1 ? '' : url.slice(mark);
  if (query.length > 0 && !checkQuery(query)) return rejections.invalidTarget;
  if (isCanonical(rawPath)) return { path: rawPath, encodedPath: rawPath, query };
  return normalizeSlow(rawPath, query);
}

function normalizeSlow(rawPath: string, query: string): NormalizedTarget | Rejection {
  const bytes = Buffer.allocUnsafe(rawPath.length);
  let length = 0;
  for (let index = 0; index < rawPath.length; index += 1) {
    const code = rawPath.charCodeAt(index);
    if (code === PERCENT) {
      const high = hexValue(rawPath.charCodeAt(index + 1));
      const low = hexValue(rawPath.charCodeAt(index + 2));
      if (high < 0 || low < 0) return rejections.invalidEncoding;
      const byte = (high << 4) | low;
      if (byte === SLASH || byte === BACKSLASH) return rejections.encodedSeparator;
      if (byte < 0x20 || byte === 0x7f) return rejections.controlCharacter;
      bytes[length++] = byte;
      index += 2;
      continue;
    }
    if (code === BACKSLASH) return rejections.encodedSeparator;
    if (code <= 0x20 || code === 0x7f) return rejections.controlCharacter;
    if (code === HASH || code > 0x7f) return rejections.invalidTarget;
    bytes[length++] = code;
  }
  let decoded: string;
  try {
    decoded = utf8.decode(bytes.subarray(0, length));
  } catch {
    return rejections.invalidUtf8;
  }
  for (let index = 0; index < decoded.length; index += 1) {
    const code = decoded.charCodeAt(index);
    if (code >= 0x80 && code <= 0x9f) return rejections.controlCharacter;
  }
  const segments: string[] = [];
  const parts = decoded.split('/');
  // parts[0] is the empty string before the leading slash.
  for (let index = 1; index < parts.length; index += 1) {
    const part = parts[index]!;
    const lastPart = index === parts.length - 1;
    if (part === '' || part === '.') {
      if (lastPart) segments.push('');
      continue;
    }
    if (part === '..') {
      if (segments.length === 0 || (segments.length === 1 && segments[0] === '')) return rejections.pathTraversal;
      segments.pop();
      if (lastPart) segments.push('');
      continue;
    }
    segments.push(part);
  }
  if (segments.length === 0) segments.push('');
  const path = `/${segments.join('/')}`;
  const encodedPath = `/${segments.map(encodeSegment).join('/')}`;
  return { path, encodedPath, query };
}

export function isRejection(value: NormalizedTarget | Rejection): value is Rejection {
  return (value as Rejection).status !== undefined;
}

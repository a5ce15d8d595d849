import type { IncomingMessage } from 'node:http';

/** Lowercase host of a Host header without the port (`[::1]:80` → `::1`); `''` when absent. */
export function hostOf(header: string | undefined): string {
  if (header === undefined || header.length === 0) return '';
  let end = header.length;
  if (header.charCodeAt(0) === 0x5b) {
    const close = header.indexOf(']');
    return close === -1 ? '' : header.slice(1, close).toLowerCase();
  }
  const colon = header.lastIndexOf(':');
  if (colon !== -1) end = colon;
  return header.slice(0, end).toLowerCase();
}

/** More than one Host field line, which RFC 9112 section 3.2 answers with 400: proxies disagree on which one counts. */
export function hasDuplicateHost(rawHeaders: readonly string[]): boolean {
  let seen = false;
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index]!;
    if (name.length !== 4 || name.toLowerCase() !== 'host') continue;
    if (seen) return true;
    seen = true;
  }
  return false;
}

/** The peer address, without the IPv4-mapped IPv6 prefix. */
export function clientIpOf(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

const requestIdPattern = /^[A-Za-z0-9._:-]{1,100}$/;

/** The client's `x-request-id` when short and printable; otherwise null (a fresh id is used). */
export function clientRequestId(header: string | string[] | undefined): string | null {
  return typeof header === 'string' && requestIdPattern.test(header) ? header : null;
}

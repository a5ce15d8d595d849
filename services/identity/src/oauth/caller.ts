import type { IncomingHttpHeaders } from 'node:http';

/** What the OAuth endpoints read from a request besides its form: headers and the peer address. */
export interface Caller {
  readonly headers: IncomingHttpHeaders;
  readonly socket: { readonly remoteAddress?: string | undefined };
}

export const addressOf = (caller: Caller): string => caller.socket.remoteAddress ?? 'unknown';

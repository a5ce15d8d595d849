import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running echo service. */
export interface EchoUpstream {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** What the echo service answers: the request it received, as JSON. */
export interface EchoAnswer {
  readonly upstream: 'gatehouse-echo';
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string | string[]>;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string | null;
}

const MAX_ECHOED_BODY = 64 * 1024;

function query(search: URLSearchParams): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const name of new Set(search.keys())) {
    const values = search.getAll(name);
    result[name] = values.length === 1 ? values[0]! : values;
  }
  return result;
}

async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_ECHOED_BODY) chunks.push(chunk);
  }
  if (size === 0) return null;
  const text = Buffer.concat(chunks).toString('utf8');
  return size > MAX_ECHOED_BODY ? `${text}… (${size} bytes)` : text;
}

async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://echo');
  const echo: EchoAnswer = {
    upstream: 'gatehouse-echo',
    method: req.method ?? 'GET',
    path: url.pathname,
    query: query(url.searchParams),
    headers: req.headers,
    body: await readBody(req),
  };
  const text = `${JSON.stringify(echo, null, 2)}\n`;
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen({ port, host, exclusive: true }, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Starts a small HTTP service on loopback that answers every request with a JSON echo of the
 * method, path, query, headers and body it received. Takes `port` (9000 for the demo) when it
 * is free, else a free port; `port: 0` always takes a free one.
 */
export async function startEchoUpstream(options: { port?: number; host?: string } = {}): Promise<EchoUpstream> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    answer(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"error":"bad_request"}\n');
    });
  });
  server.keepAliveTimeout = 70_000;
  let port: number;
  try {
    port = await listen(server, options.port ?? 0, host);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || !options.port) throw error;
    port = await listen(server, 0, host);
  }
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

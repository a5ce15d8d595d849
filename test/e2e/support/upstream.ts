import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EchoUpstream {
  readonly url: string;
  readonly hits: () => number;
  /** Headers of the last request the upstream received. */
  readonly lastHeaders: () => Record<string, string | string[] | undefined>;
  close(): Promise<void>;
}

/** A loopback upstream that answers every request with a JSON echo of what it received. */
export async function startEchoUpstream(): Promise<EchoUpstream> {
  let hits = 0;
  let lastHeaders: Record<string, string | string[] | undefined> = {};
  const server: Server = createServer((request, response) => {
    hits += 1;
    lastHeaders = request.headers;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ method: request.method, path: request.url, body: Buffer.concat(chunks).toString('utf8') }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits: () => hits,
    lastHeaders: () => lastHeaders,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

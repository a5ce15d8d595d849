import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface UpstreamHit {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly bodyBytes: number;
}

/**
 * The API behind the gateway: a plain node:http server on port 0 that records every request
 * it parses and answers 200 with a small JSON echo. Like most REST services it has no
 * `upgrade` handler, so it answers an upgrade request as an ordinary one and keeps the
 * connection open for the next request, which is what smuggling needs to reach it.
 */
export class CountingUpstream {
  readonly hits: UpstreamHit[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor() {
    this.server = createServer((req, res) => {
      let bodyBytes = 0;
      req.on('data', (chunk: Buffer) => {
        bodyBytes += chunk.length;
      });
      req.on('end', () => {
        this.hits.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, bodyBytes });
        const body = JSON.stringify({ method: req.method, url: req.url, bodyBytes });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      });
    });
    this.server.keepAliveTimeout = 30_000;
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Hits whose path contains `marker`. */
  hitsOf(marker: string): UpstreamHit[] {
    return this.hits.filter((hit) => hit.url.includes(marker));
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

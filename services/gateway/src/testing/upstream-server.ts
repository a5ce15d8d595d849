import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  bodyBytes: number;
}

/**
 * A real upstream on 127.0.0.1 for integration specs and the benchmark. Paths:
 * `/echo…` answers JSON describing the request; `/sse` sends three events 150 ms apart;
 * `/slow?ms=N` answers after N ms; `/status/<code>` answers that status; `/upload` counts the
 * body; `/ws` accepts a WebSocket handshake and echoes raw frames back; anything else 200 "ok".
 */
export class UpstreamServer {
  readonly server: Server;
  readonly seen: SeenRequest[] = [];
  private readonly sockets = new Set<Socket>();
  /** Requests per path prefix, counted (for retry and balancing checks). */
  readonly hits = new Map<string, number>();

  constructor(readonly name = 'upstream') {
    this.server = createServer((req, res) => {
      let bodyBytes = 0;
      req.on('data', (chunk: Buffer) => {
        bodyBytes += chunk.length;
      });
      req.on('end', () => {
        const url = req.url ?? '/';
        const path = url.split('?')[0]!;
        this.hits.set(path, (this.hits.get(path) ?? 0) + 1);
        this.seen.push({ method: req.method ?? '', url, headers: req.headers, bodyBytes });
        if (this.seen.length > 1000) this.seen.shift();
        if (path.startsWith('/status/')) {
          res.writeHead(Number(path.slice(8)), { 'content-type': 'text/plain', 'x-upstream': this.name });
          return res.end(`status from ${this.name}`);
        }
        if (path === '/sse') {
          res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
          let count = 0;
          const timer = setInterval(() => {
            count += 1;
            res.write(`data: event ${count} at ${Date.now()}\n\n`);
            if (count === 3) {
              clearInterval(timer);
              res.end();
            }
          }, 150);
          res.on('close', () => clearInterval(timer));
          return;
        }
        if (path === '/drip') {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.write('start;');
          const timer = setTimeout(() => res.end('end'), Number(new URL(url, 'http://x').searchParams.get('ms') ?? '1000'));
          res.on('close', () => clearTimeout(timer));
          return;
        }
        if (path === '/slow') {
          const ms = Number(new URL(url, 'http://x').searchParams.get('ms') ?? '1000');
          const timer = setTimeout(() => res.end('slow'), ms);
          res.on('close', () => clearTimeout(timer));
          return;
        }
        if (path.includes('echo') || path === '/upload') {
          const body = JSON.stringify({ upstream: this.name, method: req.method, url, headers: req.headers, bodyBytes });
          res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': this.name, connection: 'keep-alive', 'keep-alive': 'timeout=5' });
          return res.end(body);
        }
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
        res.end('ok');
      });
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      this.seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, bodyBytes: 0 });
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: test\r\n\r\n');
      if (head.length) socket.write(head);
      socket.on('data', (chunk) => socket.write(chunk));
      socket.on('end', () => socket.end());
      socket.on('error', () => socket.destroy());
    });
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server.keepAliveTimeout = 60_000;
  }

  async start(port = 0): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

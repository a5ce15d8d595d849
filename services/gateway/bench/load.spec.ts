import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { OpenLoop } from './load';

const servers: Server[] = [];

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('OpenLoop', () => {
  it('sends the request as given and times every answer, split across reads or not', async () => {
    const seen: Array<{ url: string; authorization: string | undefined }> = [];
    const origin = await serve((req, res) => {
      seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
      const body = Buffer.alloc(70_000, 'x');
      res.writeHead(200, { 'content-length': body.length });
      // Head and body in separate writes, the body larger than one socket read.
      res.flushHeaders();
      setImmediate(() => res.end(body));
    });
    const loop = new OpenLoop(`${origin}/pets/42?full=1`, { authorization: 'Bearer t' }, 4);
    try {
      await loop.run(200, 0.25);
      const result = loop.result();
      expect(result.sent).toBe(50);
      expect(result.failures).toBe(0);
      expect(result.p50).toBeGreaterThan(0);
      expect(result.p99).toBeGreaterThanOrEqual(result.p50);
      expect(seen).toHaveLength(50);
      expect(seen.every((request) => request.url === '/pets/42?full=1' && request.authorization === 'Bearer t')).toBe(true);
    } finally {
      await loop.close();
    }
  });

  it('counts answers other than 200 as failures, not latencies', async () => {
    let calls = 0;
    const origin = await serve((_req, res) => {
      calls += 1;
      const status = calls % 2 === 0 ? 503 : 200;
      res.writeHead(status, { 'content-length': 2 });
      res.end('ok');
    });
    const loop = new OpenLoop(origin, {}, 2);
    try {
      await loop.run(100, 0.2);
      expect(loop.result()).toMatchObject({ sent: 20, failures: 10 });
    } finally {
      await loop.close();
    }
  });

  it('stops with an error on an answer it cannot frame, instead of waiting for it forever', async () => {
    const origin = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('chunked');
      res.end();
    });
    const loop = new OpenLoop(origin, {}, 2);
    try {
      await expect(loop.run(100, 0.2)).rejects.toThrow(/without Content-Length/);
    } finally {
      await loop.close();
    }
  });

  it('replaces a connection the server closed and counts the request it held as failed', async () => {
    let calls = 0;
    const origin = await serve((req, res) => {
      calls += 1;
      if (calls === 3) {
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { 'content-length': 2 });
      res.end('ok');
    });
    const loop = new OpenLoop(origin, {}, 2);
    try {
      await loop.run(50, 0.2);
      expect(loop.result()).toMatchObject({ sent: 10, failures: 1 });
      await loop.run(50, 0.2);
      expect(loop.result()).toMatchObject({ sent: 20, failures: 1 });
    } finally {
      await loop.close();
    }
  });
});

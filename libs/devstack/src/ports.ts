import { createServer } from 'node:net';

/** Ports that belong to the shared development broker and to `npm start`; never handed out. */
export const RESERVED_PORTS: ReadonlySet<number> = new Set([9092, 9093, 29092, 29093]);

/** Resolves true when nothing listens on `port` at `host` (the port can be bound). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const server = createServer();
    server.once('error', () => resolvePromise(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolvePromise(true)));
  });
}

function ephemeralPort(host: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
  });
}

/** Picks `count` distinct free ports chosen by the kernel, skipping the reserved ones. */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) {
    const port = await ephemeralPort(host);
    if (!RESERVED_PORTS.has(port)) ports.add(port);
  }
  return [...ports];
}

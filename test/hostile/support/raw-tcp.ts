import { connect, type Socket } from 'node:net';

export interface RawExchange {
  /** Everything the server sent, latin1. */
  readonly received: string;
  /** The server closed (or reset) the connection before the client gave up waiting. */
  readonly closedByServer: boolean;
  /** Status codes of every response head in `received`, in order. */
  readonly statuses: number[];
}

/**
 * Writes raw bytes on a fresh TCP connection (optionally in several writes, to split a request
 * across packets) and collects what comes back until the server closes the connection or
 * nothing arrives for `idleMs`.
 */
export function rawExchange(port: number, payload: string | Buffer | Array<string | Buffer>, idleMs = 800): Promise<RawExchange> {
  return new Promise((resolve) => {
    const parts = Array.isArray(payload) ? payload : [payload];
    let received = '';
    let closedByServer = false;
    let settled = false;
    const socket: Socket = connect(port, '127.0.0.1', async () => {
      for (const part of parts) {
        if (socket.destroyed) break;
        socket.write(part);
        if (parts.length > 1) await new Promise((next) => setTimeout(next, 20));
      }
    });
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ received, closedByServer, statuses: [...received.matchAll(/HTTP\/1\.[01] (\d{3}) /g)].map((match) => Number(match[1])) });
    };
    let timer = setTimeout(finish, idleMs);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      clearTimeout(timer);
      timer = setTimeout(finish, idleMs);
    });
    socket.on('end', () => {
      closedByServer = true;
      finish();
    });
    socket.on('error', () => {
      closedByServer = true;
      finish();
    });
    socket.on('close', () => {
      if (!settled) closedByServer = true;
      finish();
    });
  });
}

import { connect } from 'node:net';

/** Sends raw bytes on a fresh connection and resolves with everything received until the server closes or `idleMs` passes. */
export function rawRequest(port: number, payload: string | Buffer, idleMs = 1_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(payload));
    let received = '';
    let timer = setTimeout(() => socket.end(), idleMs);
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      clearTimeout(timer);
      timer = setTimeout(() => socket.end(), idleMs);
    });
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
}

export const statusOf = (response: string) => Number(response.slice(9, 12));

import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { type Rejection, rejectionBody } from './rejections';

/** Writes a complete JSON error response on a raw socket (parse errors, refused upgrades) and closes it. */
export function writeRawRejection(socket: Duplex, rejection: Rejection, requestId: string, extraHeaders: readonly string[] = []): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = rejectionBody(rejection, requestId);
  let head = `HTTP/1.1 ${rejection.status} ${STATUS_CODES[rejection.status] ?? 'Error'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n`;
  const headers = [...extraHeaders, ...(rejection.headers ?? [])];
  for (let index = 0; index < headers.length; index += 2) {
    if (headers[index] === 'connection') continue;
    head += `${headers[index]}: ${headers[index + 1]}\r\n`;
  }
  socket.end(`${head}\r\n${body}`);
}

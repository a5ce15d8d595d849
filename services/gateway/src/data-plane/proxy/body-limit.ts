import { Transform, type TransformCallback } from 'node:stream';
import type { Exchange } from '../server/exchange';

export class BodyTooLargeError extends Error {
  readonly code = 'GATEHOUSE_BODY_TOO_LARGE';
}

/**
 * Counts a chunked request body as it streams upstream and stops it past the route's limit
 * (a body with Content-Length is checked before anything is sent).
 */
export class BodyLimit extends Transform {
  constructor(
    private readonly exchange: Exchange,
    private readonly limit: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.exchange.bytesIn += chunk.length;
    if (this.exchange.bytesIn > this.limit) {
      this.exchange.bodyTooLarge = true;
      callback(new BodyTooLargeError(`request body exceeds ${this.limit} bytes`));
      return;
    }
    callback(null, chunk);
  }
}

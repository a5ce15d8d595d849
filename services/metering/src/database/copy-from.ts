import type { PoolClient } from 'pg';

interface Connection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/**
 * `COPY ... FROM STDIN` through node-postgres' submittable interface (the extension point
 * cursors and streams use): the statement is sent, then `data` as CopyData once the server
 * asks for it. Resolves with the number of rows copied.
 */
class CopyFromStdin {
  readonly done: Promise<number>;
  private settle!: { resolve(rows: number): void; reject(error: unknown): void };
  private rows = 0;
  private failed = false;

  constructor(
    private readonly text: string,
    private readonly data: Buffer,
  ) {
    this.done = new Promise<number>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
  }

  submit(connection: Connection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: Connection): void {
    connection.sendCopyFromChunk(this.data);
    connection.endCopyFrom();
  }

  handleCommandComplete(message: { text?: string }): void {
    this.rows = Number(/(\d+)$/.exec(message.text ?? '')?.[1] ?? 0);
  }

  handleError(error: unknown): void {
    this.failed = true;
    this.settle.reject(error);
  }

  handleReadyForQuery(): void {
    if (!this.failed) this.settle.resolve(this.rows);
  }

  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
}

/** Runs `COPY <target> FROM STDIN` with `data` in COPY text format on `client`. */
export function copyFromStdin(client: PoolClient, target: string, data: string): Promise<number> {
  const copy = new CopyFromStdin(`copy ${target} from stdin`, Buffer.from(data, 'utf8'));
  client.query(copy as never);
  return copy.done;
}

const special = /[\\\t\n\r]/;

/** A value in COPY text format: `\N` for null, backslash escapes for text. */
export function copyValue(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return String(value);
  return special.test(value) ? value.replace(/[\\\t\n\r]/g, (char) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[char]!) : value;
}

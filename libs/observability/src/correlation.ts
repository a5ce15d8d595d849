import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** HTTP and Kafka header that carries the correlation id. */
export const CORRELATION_HEADER = 'x-request-id';

const storage = new AsyncLocalStorage<string>();

export function currentCorrelationId(): string | undefined {
  return storage.getStore();
}

export function withCorrelationId<T>(correlationId: string | undefined, run: () => T): T {
  return storage.run(sanitizeCorrelationId(correlationId) ?? randomUUID(), run);
}

/** Accepts a caller's id only when it is short and printable, so it cannot forge log lines. */
export function sanitizeCorrelationId(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return /^[A-Za-z0-9._:-]{1,100}$/.test(value) ? value : undefined;
}

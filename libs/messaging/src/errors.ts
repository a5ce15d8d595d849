/**
 * A failure that may go away on its own (a dependency briefly unavailable, a lock timeout).
 * A consumer retries the message with backoff up to its `maxAttempts`, then dead-letters it.
 */
export class RetriableError extends Error {
  readonly code = 'ERR_RETRIABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RetriableError';
  }
}

/** A failure that will never go away for this message. A consumer dead-letters it at once. */
export class NonRetriableError extends Error {
  readonly code = 'ERR_NON_RETRIABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NonRetriableError';
  }
}

/**
 * What a consumer does with a failed message:
 * - `permanent`: dead-letter now (NonRetriableError, ContractViolationError);
 * - `transient`: retry with backoff up to `maxAttempts`, then dead-letter (RetriableError and
 *   any error the handler did not classify);
 * - `unavailable`: Postgres or Kafka cannot be reached. The message is not at fault, so it is
 *   retried with capped backoff for as long as the consumer runs and never dead-lettered.
 */
export type FailureKind = 'permanent' | 'transient' | 'unavailable';

const PERMANENT_CODES = new Set(['ERR_NON_RETRIABLE', 'ERR_CONTRACT_VIOLATION']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
// SQLSTATE: 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now, 53300 too many connections.
const PG_UNAVAILABLE_CODES = new Set(['57P01', '57P02', '57P03', '53300']);
const KAFKA_UNAVAILABLE_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSLockTimeout',
]);

function isUnavailable(error: Record<string, unknown>): boolean {
  const code = typeof error.code === 'string' ? error.code : undefined;
  if (code && (NETWORK_CODES.has(code) || PG_UNAVAILABLE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  if (typeof error.name === 'string' && KAFKA_UNAVAILABLE_NAMES.has(error.name)) return true;
  const message = typeof error.message === 'string' ? error.message : '';
  return /^Connection terminated|connection timeout|Client has encountered a connection error/i.test(message);
}

/** Classifies an error thrown while handling a message. Looks through `cause` and TypeORM's `driverError`. */
export function classifyError(error: unknown): FailureKind {
  if (error instanceof NonRetriableError) return 'permanent';
  if (error instanceof RetriableError) return 'transient';
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const record = current as Record<string, unknown>;
    if (typeof record.code === 'string' && PERMANENT_CODES.has(record.code)) return 'permanent';
    if (record.code === 'ERR_RETRIABLE') return 'transient';
    if (isUnavailable(record)) return 'unavailable';
    current = record.driverError ?? record.cause;
  }
  return 'transient';
}

/** The stable code recorded with a dead letter: the error's own `code`, or `ERR_UNKNOWN`. */
export function errorCode(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(code) ? code : 'ERR_UNKNOWN';
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === 'string' ? error : 'unknown error';
}

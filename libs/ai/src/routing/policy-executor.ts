import { setTimeout as delay } from 'node:timers/promises';
import { AiError, isAiError } from '../errors/ai-error';
import { isRetryableStatus } from '../errors/provider-error';
import type { ResolvedTarget } from '../providers/provider-adapter';

/** One attempt against one target, as reported to metrics. */
export interface AttemptRecord {
  provider: string;
  model: string;
  /** HTTP status of the provider, or `timeout`, `error` (connection), `unsupported` (not sent). */
  outcome: string;
  latencyMs: number;
}

/** What an attempt function reports when it did not succeed. */
export class AttemptFailure extends Error {
  override readonly name = 'AttemptFailure';
  constructor(
    readonly error: AiError,
    /** Provider status, or null when nothing was answered. */
    readonly status: number | null,
  ) {
    super(error.message);
  }
}

/** Runs one attempt; resolves once the answer is safe to commit to (for streams: first event). */
export type AttemptFn<T> = (target: ResolvedTarget, controller: AbortController) => Promise<T>;

/** Result of a policy run. */
export interface PolicyResult<T> {
  value: T;
  target: ResolvedTarget;
  /** Aborts the winning upstream call (e.g. when the client went away). */
  controller: AbortController;
  attempts: AttemptRecord[];
}

/** Knobs of a policy run. */
export interface PolicyRun {
  targets: readonly ResolvedTarget[];
  retries: number;
  timeoutMs: number;
  onAttempt?: (attempt: AttemptRecord) => void;
  /** First retry backoff on the same target; doubles, capped at 8×. */
  retryBackoffMs?: number;
}

/** `provider:model=outcome,...` — the `x-gatehouse-ai-attempts` header value. */
export function formatAttempts(attempts: readonly AttemptRecord[]): string {
  return attempts.map((attempt) => `${attempt.provider}:${attempt.model}=${attempt.outcome}`).join(',');
}

class TimeoutSignal extends Error {
  override readonly name = 'TimeoutError';
}

function classify(error: unknown, timedOut: boolean): { outcome: string; failure: AttemptFailure; retryable: boolean; sent: boolean } {
  if (timedOut) {
    return { outcome: 'timeout', failure: new AttemptFailure(new AiError('timeout', 'The provider did not answer in time'), null), retryable: true, sent: true };
  }
  if (error instanceof AttemptFailure) {
    const status = error.status;
    return { outcome: status === null ? 'error' : String(status), failure: error, retryable: status === null || isRetryableStatus(status), sent: true };
  }
  if (isAiError(error)) return { outcome: 'unsupported', failure: new AttemptFailure(error, null), retryable: false, sent: false };
  const message = error instanceof Error ? error.message : String(error);
  return { outcome: 'error', failure: new AttemptFailure(new AiError('provider_error', `The provider could not be reached: ${message}`), null), retryable: true, sent: true };
}

function exhausted(records: readonly AttemptRecord[], last: AttemptFailure, model: string): AiError {
  const chain = formatAttempts(records);
  const sent = records.filter((record) => record.outcome !== 'unsupported');
  if (sent.length > 0 && sent.every((record) => record.outcome === '429')) {
    return new AiError('rate_limit_exceeded', `Every provider for model '${model}' is rate limited (${chain})`);
  }
  if (last.error.code === 'timeout') return new AiError('timeout', `No provider for model '${model}' answered in time (${chain})`);
  const unavailable = last.status === 503 || last.status === 529;
  return new AiError(unavailable ? 'provider_unavailable' : 'provider_error', `Every provider for model '${model}' failed (${chain})`);
}

/**
 * Tries the targets in order. A 429 moves to the next target at once; a 5xx, a timeout or a
 * connection error is retried on the same target `retries` times, then moves on; any other
 * provider error ends the run with that error. A request that cannot be translated for a
 * target (unsupported parameter) skips it. Once an attempt resolved, nothing is retried:
 * the caller streams from it.
 */
export async function runPolicy<T>(run: PolicyRun, model: string, attempt: AttemptFn<T>): Promise<PolicyResult<T>> {
  const records: AttemptRecord[] = [];
  let firstUnsupported: AttemptFailure | null = null;
  let last: AttemptFailure | null = null;
  for (const target of run.targets) {
    for (let tries = 0; tries <= run.retries; tries += 1) {
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort(new TimeoutSignal('timeout'));
      }, run.timeoutMs);
      const started = performance.now();
      try {
        const value = await attempt(target, controller);
        clearTimeout(timer);
        const record = { provider: target.provider.id, model: target.model.id, outcome: '200', latencyMs: performance.now() - started };
        records.push(record);
        run.onAttempt?.(record);
        return { value, target, controller, attempts: records };
      } catch (error) {
        clearTimeout(timer);
        if (!timedOut) controller.abort();
        const { outcome, failure, retryable, sent } = classify(error, timedOut);
        const record = { provider: target.provider.id, model: target.model.id, outcome, latencyMs: performance.now() - started };
        records.push(record);
        run.onAttempt?.(record);
        if (!sent) {
          firstUnsupported ??= failure;
          break;
        }
        last = failure;
        if (!retryable) throw withChain(failure.error, records);
        if (failure.status === 429) break;
        if (tries < run.retries) await delay(Math.min((run.retryBackoffMs ?? 25) * 2 ** tries, (run.retryBackoffMs ?? 25) * 8));
      }
    }
  }
  if (!last) throw withChain((firstUnsupported ?? new AttemptFailure(new AiError('provider_error', 'No target'), null)).error, records);
  throw withChain(exhausted(records, last, model), records);
}

/** An error that also carries the attempt chain for the response header. */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  constructor(
    readonly error: AiError,
    readonly attempts: AttemptRecord[],
  ) {
    super(error.message);
  }
}

function withChain(error: AiError, attempts: AttemptRecord[]): PolicyError {
  return new PolicyError(error, attempts);
}

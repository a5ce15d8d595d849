export interface BackoffOptions {
  /** Delay before the second attempt. */
  initialMs: number;
  /** Upper bound of any single delay. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 200, maxMs: 10_000 };

/**
 * Delay to wait after failed attempt number `attempt` (1-based): exponential from
 * `initialMs`, capped at `maxMs`, with "equal jitter" (between half and all of the step) so
 * that replicas retrying together spread out.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be a positive integer, got ${attempt}`);
  const step = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(step / 2 + (random() * step) / 2);
}

/** The delays a message sees before being dead-lettered after `maxAttempts` attempts (no jitter). */
export function backoffSchedule(maxAttempts: number, options: BackoffOptions = DEFAULT_BACKOFF): number[] {
  return Array.from({ length: Math.max(0, maxAttempts - 1) }, (_, index) => backoffDelay(index + 1, options, () => 1));
}

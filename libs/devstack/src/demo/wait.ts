const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long admin tools wait for a change to travel over Kafka to the other services. */
export const PROPAGATION_TIMEOUT_MS = 30_000;

/**
 * Polls `probe` until it returns something other than undefined; throws naming `what` (and
 * the last error) after `timeoutMs`.
 */
export async function waitUntil<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = PROPAGATION_TIMEOUT_MS, intervalMs = 150): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: Error | undefined;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error as Error;
    }
    if (Date.now() >= deadline) throw new Error(`${what} did not happen within ${Math.round(timeoutMs / 1000)} s${last ? ` (last error: ${last.message})` : ''}`);
    await sleep(intervalMs);
  }
}

/**
 * Runs `action`, again while it fails with an error `retryable` accepts (a service that has not
 * yet read a change from Kafka), until `timeoutMs`; any other error is thrown at once.
 */
export async function retryWhile<T>(action: () => Promise<T>, retryable: (error: unknown) => boolean, timeoutMs = PROPAGATION_TIMEOUT_MS, intervalMs = 150): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await action();
    } catch (error) {
      if (!retryable(error) || Date.now() >= deadline) throw error;
    }
    await sleep(intervalMs);
  }
}

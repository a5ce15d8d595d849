/** `T` without its falsy members: what `eventually` resolves with. */
export type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

/**
 * Polls `probe` until it returns something truthy and resolves with it. A probe that throws
 * is tried again; after `timeoutMs` it fails naming `what` and the last error.
 */
export async function eventually<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 20_000, intervalMs = 25): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as Truthy<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

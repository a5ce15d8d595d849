/** The SQLSTATE of a Postgres error (as thrown by pg or wrapped by TypeORM), if any. */
export function sqlState(error: unknown): string | undefined {
  const candidate = error as { code?: unknown; driverError?: { code?: unknown } };
  const code = candidate?.driverError?.code ?? candidate?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * SQLSTATE class 22, data exception (numeric value out of range, invalid text representation…):
 * the data is at fault, so running the same statement again fails again.
 */
export function isDataException(error: unknown): boolean {
  return sqlState(error)?.startsWith('22') ?? false;
}

export interface Isolation<T, R> {
  /** What `attempt` returned for each part that succeeded. */
  results: R[];
  /** Items that fail on their own, with the data exception. */
  refused: Array<{ item: T; error: Error }>;
}

/**
 * Runs `attempt` over `items`; when it fails with a data exception, runs it over each half
 * instead, down to single items, which are refused with their error. Each part that succeeds
 * is kept, so one bad item costs about 2·log2(n) extra attempts instead of the whole batch.
 * Any other error propagates.
 */
export async function isolateDataExceptions<T, R>(items: readonly T[], attempt: (part: readonly T[]) => Promise<R>): Promise<Isolation<T, R>> {
  const isolation: Isolation<T, R> = { results: [], refused: [] };
  const pending: Array<readonly T[]> = [items];
  while (pending.length > 0) {
    const part = pending.shift()!;
    try {
      isolation.results.push(await attempt(part));
    } catch (error) {
      if (!isDataException(error)) throw error;
      if (part.length === 1) isolation.refused.push({ item: part[0]!, error: error as Error });
      else {
        const middle = Math.ceil(part.length / 2);
        pending.unshift(part.slice(0, middle), part.slice(middle));
      }
    }
  }
  return isolation;
}

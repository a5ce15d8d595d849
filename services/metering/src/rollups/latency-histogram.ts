/**
 * Fixed latency buckets (milliseconds, upper bounds inclusive, like Prometheus `le`). The last
 * bucket holds everything above the last bound. Rollups store one count per bucket, so
 * histograms of any rows add up element by element and percentiles are computed at query time.
 * Changing the bounds is a migration: stored counts refer to these positions.
 */
export const LATENCY_BOUNDS_MS: readonly number[] = [
  1, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1_000, 1_500, 2_000, 3_000, 5_000, 7_500, 10_000, 15_000, 20_000, 30_000,
  60_000, 120_000,
];

export const LATENCY_BUCKETS = LATENCY_BOUNDS_MS.length + 1;

/** Index of the bucket holding `latencyMs`. */
export function latencyBucket(latencyMs: number): number {
  let low = 0;
  let high = LATENCY_BOUNDS_MS.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (latencyMs <= LATENCY_BOUNDS_MS[middle]!) high = middle;
    else low = middle + 1;
  }
  return low;
}

export function emptyHistogram(): number[] {
  return new Array<number>(LATENCY_BUCKETS).fill(0);
}

/**
 * The `quantile` (0..1) of the latencies counted in `counts`, interpolated linearly inside the
 * bucket holding it and never above the observed maximum. The error is at most the width of
 * that bucket. Null when nothing was counted.
 */
export function latencyQuantile(counts: readonly number[], quantile: number, maxMs: number): number | null {
  if (quantile < 0 || quantile > 1) throw new RangeError('quantile must be between 0 and 1');
  let total = 0;
  for (const count of counts) total += count;
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(quantile * total));
  let before = 0;
  for (let index = 0; index < counts.length; index += 1) {
    const count = counts[index]!;
    if (count > 0 && before + count >= rank) {
      const lower = index === 0 ? 0 : LATENCY_BOUNDS_MS[index - 1]!;
      const upper = Math.min(index < LATENCY_BOUNDS_MS.length ? LATENCY_BOUNDS_MS[index]! : maxMs, maxMs);
      if (upper <= lower) return Math.min(lower, maxMs);
      return lower + ((upper - lower) * (rank - before)) / count;
    }
    before += count;
  }
  return maxMs;
}

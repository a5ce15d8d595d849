import { describe, expect, it } from 'vitest';
import { emptyHistogram, LATENCY_BOUNDS_MS, LATENCY_BUCKETS, latencyBucket, latencyQuantile } from './latency-histogram';

function histogramOf(latencies: number[]): { counts: number[]; max: number } {
  const counts = emptyHistogram();
  for (const latency of latencies) counts[latencyBucket(latency)]! += 1;
  return { counts, max: Math.max(...latencies) };
}

function exactQuantile(latencies: number[], quantile: number): number {
  const sorted = [...latencies].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(quantile * sorted.length) - 1)]!;
}

/** Lower and upper bound of the bucket holding `value`. */
function bucketBounds(value: number): [number, number] {
  const index = latencyBucket(value);
  return [index === 0 ? 0 : LATENCY_BOUNDS_MS[index - 1]!, LATENCY_BOUNDS_MS[index] ?? Number.POSITIVE_INFINITY];
}

describe('latency histogram', () => {
  it('puts a value on a bound into the bucket that bound closes', () => {
    expect(latencyBucket(0)).toBe(0);
    expect(latencyBucket(1)).toBe(0);
    expect(latencyBucket(1.0001)).toBe(1);
    expect(latencyBucket(100)).toBe(LATENCY_BOUNDS_MS.indexOf(100));
    expect(latencyBucket(120_000)).toBe(LATENCY_BOUNDS_MS.length - 1);
    expect(latencyBucket(120_001)).toBe(LATENCY_BUCKETS - 1);
  });

  it('has strictly increasing bounds', () => {
    for (let index = 1; index < LATENCY_BOUNDS_MS.length; index += 1) expect(LATENCY_BOUNDS_MS[index]!).toBeGreaterThan(LATENCY_BOUNDS_MS[index - 1]!);
  });

  it('answers null for an empty histogram', () => {
    expect(latencyQuantile(emptyHistogram(), 0.5, 0)).toBeNull();
  });

  it('returns the value itself for a single observation', () => {
    const { counts, max } = histogramOf([42]);
    expect(latencyQuantile(counts, 0.5, max)).toBe(42);
    expect(latencyQuantile(counts, 0.99, max)).toBe(42);
  });

  it('never exceeds the observed maximum, also in the overflow bucket', () => {
    const { counts, max } = histogramOf([200_000, 250_000]);
    expect(latencyQuantile(counts, 0.99, max)).toBeLessThanOrEqual(250_000);
    expect(latencyQuantile(counts, 0.99, max)).toBeGreaterThan(120_000);
  });

  it('lands p50, p95 and p99 inside the bucket of the exact percentile', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const latencies = Array.from({ length: 10_000 }, () => Math.round(Math.exp(random() * 8) * 100) / 100);
    const { counts, max } = histogramOf(latencies);
    for (const quantile of [0.5, 0.95, 0.99]) {
      const exact = exactQuantile(latencies, quantile);
      const estimate = latencyQuantile(counts, quantile, max)!;
      const [lower, upper] = bucketBounds(exact);
      expect(estimate).toBeGreaterThanOrEqual(lower);
      expect(estimate).toBeLessThanOrEqual(Math.min(upper, max));
    }
  });

  it('adds up element by element: the union of two histograms gives the quantiles of all values', () => {
    const first = histogramOf([5, 5, 5, 5]);
    const second = histogramOf([900, 900, 900, 900, 900, 900]);
    const merged = first.counts.map((count, index) => count + second.counts[index]!);
    expect(latencyQuantile(merged, 0.4, 900)).toBeLessThanOrEqual(5);
    expect(latencyQuantile(merged, 0.5, 900)).toBeGreaterThan(750);
  });

  it('refuses a quantile outside 0..1', () => {
    expect(() => latencyQuantile(emptyHistogram(), 1.5, 0)).toThrow(RangeError);
  });
});

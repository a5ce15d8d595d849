import type { Histogram } from 'prom-client';

/** Sum and count per label value of a prom-client histogram. */
export async function histogramTotals(histogram: Histogram<string>, label: string): Promise<Map<string, { sum: number; count: number }>> {
  const totals = new Map<string, { sum: number; count: number }>();
  for (const value of (await histogram.get()).values) {
    const key = String(value.labels[label] ?? '');
    const entry = totals.get(key) ?? { sum: 0, count: 0 };
    if (value.metricName?.endsWith('_sum')) entry.sum = value.value;
    if (value.metricName?.endsWith('_count')) entry.count = value.value;
    totals.set(key, entry);
  }
  return totals;
}

export function percentile(sorted: readonly number[], quantile: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(quantile * sorted.length) - 1))]!;
}

export const fixed = (value: number, digits = 1) => value.toFixed(digits);

export function table(rows: ReadonlyArray<ReadonlyArray<string>>): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')).join('\n');
}

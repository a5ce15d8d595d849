/** Time windows of rollups and quota periods, all in UTC. */
export const granularities = ['minute', 'hour', 'day'] as const;
export type Granularity = (typeof granularities)[number];

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export const granularityMs: Readonly<Record<Granularity, number>> = { minute: MINUTE_MS, hour: HOUR_MS, day: DAY_MS };

/** Start of the window of `granularity` holding `epochMs` (UTC; the epoch is a UTC midnight). */
export function floorTo(epochMs: number, granularity: Granularity): number {
  const size = granularityMs[granularity];
  return Math.floor(epochMs / size) * size;
}

/** Smallest window boundary at or after `epochMs`. */
export function ceilTo(epochMs: number, granularity: Granularity): number {
  const size = granularityMs[granularity];
  return Math.ceil(epochMs / size) * size;
}

/** Number of windows of `granularity` in [from, to). */
export function bucketCount(fromMs: number, toMs: number, granularity: Granularity): number {
  return Math.max(0, Math.ceil((toMs - fromMs) / granularityMs[granularity]));
}

/** `YYYY-MM-DD` of the UTC day holding `epochMs`. */
export function utcDay(epochMs: number): string {
  return new Date(floorTo(epochMs, 'day')).toISOString().slice(0, 10);
}

export const quotaPeriods = ['day', 'month'] as const;
export type QuotaPeriod = (typeof quotaPeriods)[number];

export interface PeriodWindow {
  start: number;
  end: number;
}

/** The quota period holding `epochMs`: a UTC day, or a UTC calendar month. */
export function quotaPeriodOf(epochMs: number, period: QuotaPeriod): PeriodWindow {
  if (period === 'day') {
    const start = floorTo(epochMs, 'day');
    return { start, end: start + DAY_MS };
  }
  const date = new Date(epochMs);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  return { start: Date.UTC(year, month, 1), end: Date.UTC(year, month + 1, 1) };
}

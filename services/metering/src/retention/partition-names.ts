import { DAY_MS } from '../time/period';

/** Tables partitioned by UTC day, and the type of their partition key. */
export const dailyTables = {
  usage_ledger: 'date',
  usage_rollup_minute: 'timestamptz',
} as const;

export type DailyTable = keyof typeof dailyTables;

/** `usage_ledger_d20260314` for the day `2026-03-14`. */
export function partitionName(table: DailyTable, day: string): string {
  return `${table}_d${day.replaceAll('-', '')}`;
}

/** The day of a partition name, or null when the name is not one of ours. */
export function dayOfPartition(table: DailyTable, name: string): string | null {
  const match = new RegExp(`^${table}_d(\\d{4})(\\d{2})(\\d{2})$`).exec(name);
  return match ? `${match[1]}-${match[2]}-${match[3]}` : null;
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Bounds of the partition of `day` as literals of the key type (UTC midnights for timestamptz). */
export function partitionBounds(table: DailyTable, day: string): [string, string] {
  const next = addDays(day, 1);
  return dailyTables[table] === 'date' ? [day, next] : [`${day} 00:00:00+00`, `${next} 00:00:00+00`];
}

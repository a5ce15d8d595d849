/** What a row measures: Gatehouse itself, a peer doing the same job, or a reference without the job (a direct hop). */
export type Role = 'gatehouse' | 'peer' | 'baseline';

export interface BenchRow {
  readonly suite: string;
  readonly scenario: string;
  readonly implementation: string;
  readonly role: Role;
  /** `req/s`, `tokens/s`, `records/s`… */
  readonly unit: string;
  readonly throughput: number | null;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  /** Server CPU time (user + system, from /proc) per request, in microseconds. */
  readonly cpuMicrosPerRequest: number | null;
  /** Peak resident memory of the server process tree while the row was measured. */
  readonly peakRssMiB: number | null;
  readonly failures: number | null;
  /** For a peer or a baseline: the implementation of the Gatehouse row of the same scenario it is compared with. */
  readonly versus?: string;
  readonly note?: string;
}

export interface Ratio {
  /** Gatehouse throughput ÷ this row's (wall clock: both got whatever CPU the machine gave them). */
  readonly wall: number | null;
  /** Gatehouse requests per server CPU-second ÷ this row's: the ratio that survives a busy machine. */
  readonly perCpuSecond: number | null;
}

const finite = (value: number) => (Number.isFinite(value) && value > 0 ? value : null);

/** The Gatehouse row a peer (or baseline) row is compared with, if any. */
export function counterpart(row: BenchRow, rows: readonly BenchRow[]): BenchRow | undefined {
  if (row.role === 'gatehouse' || !row.versus) return undefined;
  return rows.find((other) => other.role === 'gatehouse' && other.suite === row.suite && other.scenario === row.scenario && other.implementation === row.versus);
}

/** Gatehouse ÷ peer for one peer row; nulls where either side lacks the figure. */
export function ratioOf(row: BenchRow, rows: readonly BenchRow[]): Ratio | null {
  const ours = counterpart(row, rows);
  if (!ours) return null;
  const wall = ours.throughput !== null && row.throughput !== null ? finite(ours.throughput / row.throughput) : null;
  const perCpuSecond = ours.cpuMicrosPerRequest !== null && row.cpuMicrosPerRequest !== null ? finite(row.cpuMicrosPerRequest / ours.cpuMicrosPerRequest) : null;
  return { wall, perCpuSecond };
}

/**
 * Merges the rows of several rounds of one suite: for each implementation and scenario, the
 * round whose server spent the least CPU per request (the highest throughput when CPU time is
 * unknown). On a shared machine a round can catch another job's burst; the same rule applies
 * to Gatehouse and to every peer.
 */
export function bestOf(rounds: ReadonlyArray<readonly BenchRow[]>): BenchRow[] {
  const key = (row: BenchRow) => `${row.suite}|${row.scenario}|${row.implementation}`;
  const better = (a: BenchRow, b: BenchRow) => {
    if (a.cpuMicrosPerRequest !== null && b.cpuMicrosPerRequest !== null) return a.cpuMicrosPerRequest <= b.cpuMicrosPerRequest ? a : b;
    return (a.throughput ?? 0) >= (b.throughput ?? 0) ? a : b;
  };
  const best = new Map<string, BenchRow>();
  for (const rows of rounds) for (const row of rows) best.set(key(row), best.has(key(row)) ? better(best.get(key(row))!, row) : row);
  return [...best.values()];
}

import { closedLoop } from '../../../bench/lib/load';
import { cpuSeconds as processCpuSeconds } from '../../../bench/lib/proc';

/** CPU seconds (user + system) a process has used so far; null where there is none. */
function cpuSeconds(pid: number | undefined): number | null {
  return pid === undefined ? null : processCpuSeconds(pid);
}

export interface LoadTarget {
  server: string;
  /** The server process, whose CPU time is measured around each run. */
  pid?: number;
  token: string;
  url: string;
  authorization: string;
  body: string;
}

export interface LoadResult extends LoadTarget {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  total: number;
  failures: number;
  /** CPU seconds the server used during the run, or null when unknown. */
  cpu: number | null;
  /** Tokens per CPU-second of the server: what one dedicated core sustains, whatever else runs on the machine. */
  perCpuSecond: number | null;
}

export interface LoadOptions {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
}

function fire(target: LoadTarget, connections: number, duration: number) {
  return closedLoop(
    { url: target.url, method: 'POST', headers: { authorization: target.authorization, 'content-type': 'application/x-www-form-urlencoded' }, body: target.body },
    connections,
    duration,
  );
}

/** Warm-up, then a measured run; every non-2xx answer or socket error counts as a failure. */
export async function measure(target: LoadTarget, options: LoadOptions): Promise<LoadResult> {
  if (options.warmupSeconds > 0) await fire(target, options.connections, options.warmupSeconds);
  const before = cpuSeconds(target.pid);
  const result = await fire(target, options.connections, options.durationSeconds);
  const after = cpuSeconds(target.pid);
  const cpu = before === null || after === null ? null : after - before;
  return {
    cpu,
    perCpuSecond: cpu ? result.total / cpu : null,
    ...target,
    requestsPerSecond: result.rps,
    p50: result.p50Ms,
    p99: result.p99Ms,
    total: result.total,
    failures: result.failures,
  };
}

/** The run with the median efficiency (tokens per CPU-second; tokens/s when CPU time is unknown). */
export function median(runs: readonly LoadResult[]): LoadResult {
  const score = (run: LoadResult) => run.perCpuSecond ?? run.requestsPerSecond;
  const sorted = [...runs].sort((a, b) => score(a) - score(b));
  const middle = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return { ...middle, failures: runs.reduce((sum, run) => sum + run.failures, 0) };
}

export function table(results: readonly LoadResult[]): string {
  const rows = [
    ['server', 'token', 'tokens per CPU-second', 'tokens/s (wall)', 'p50 ms', 'p99 ms', 'requests', 'failures'],
    ...results.map((result) => [
      result.server,
      result.token,
      result.perCpuSecond === null ? 'n/a' : result.perCpuSecond.toFixed(0),
      result.requestsPerSecond.toFixed(0),
      String(result.p50),
      String(result.p99),
      String(result.total),
      String(result.failures),
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) => `| ${row.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  return [line(rows[0]!), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

import type { Machine } from './machine';
import { type BenchRow, ratioOf } from './rows';

export interface SuiteOutcome {
  readonly name: string;
  readonly title: string;
  readonly seconds: number;
  readonly load: readonly [number, number];
  /** Why the suite has no (or partial) rows, when it failed. */
  readonly problem: string | null;
  readonly notes: readonly string[];
  /** The harness's own text report, kept verbatim for the appendix. */
  readonly raw: string;
}

export interface BenchReport {
  readonly startedAt: string;
  readonly seconds: number;
  readonly machine: Machine;
  readonly loadAverageAtEnd: number;
  readonly settings: Readonly<Record<string, string | number>>;
  readonly peers: string;
  readonly suites: readonly SuiteOutcome[];
  readonly rows: readonly BenchRow[];
}

const number = (value: number | null, digits = 0) => (value === null || !Number.isFinite(value) ? '—' : value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const times = (value: number | null) => (value === null ? '—' : `${value.toFixed(2)}×`);
const cell = (text: string) => text.replaceAll('|', '\\|');

/** The comparison table: one line per measured implementation, peers next to Gatehouse. */
export function resultsTable(rows: readonly BenchRow[]): string {
  const lines = [
    '| suite | scenario | implementation | throughput | p50 ms | p99 ms | server CPU µs/req | peak RSS MiB | Gatehouse ÷ this (wall) | Gatehouse ÷ this (per CPU-second) |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    const ratio = row.role === 'peer' ? ratioOf(row, rows) : null;
    const name = row.role === 'gatehouse' ? `**${row.implementation}**` : row.implementation;
    const failures = row.failures ? ` (${row.failures} failed)` : '';
    lines.push(
      `| ${row.suite} | ${cell(row.scenario)} | ${cell(name)}${failures} | ${number(row.throughput)} ${row.unit} | ${number(row.p50Ms, row.p50Ms !== null && row.p50Ms < 10 ? 2 : 1)} | ${number(row.p99Ms, row.p99Ms !== null && row.p99Ms < 10 ? 2 : 1)} | ${number(row.cpuMicrosPerRequest)} | ${number(row.peakRssMiB)} | ${row.role === 'peer' ? times(ratio?.wall ?? null) : '—'} | ${row.role === 'peer' ? times(ratio?.perCpuSecond ?? null) : '—'} |`,
    );
  }
  return lines.join('\n');
}

export function machineLine(machine: Machine): string {
  return `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB RAM, ${machine.os}, Node ${machine.node}`;
}

/** The whole Markdown report: machine, table, how to read it, notes per suite, raw harness output. */
export function renderMarkdown(report: BenchReport): string {
  const out: string[] = [];
  out.push('# Gatehouse benchmarks', '');
  out.push(`Run ${report.startedAt}, ${Math.round(report.seconds)} s in all (\`npm run bench\`).`, '');
  out.push(`**Machine:** ${machineLine(report.machine)}; nginx ${report.machine.nginx ?? 'not installed'}, HAProxy ${report.machine.haproxy ?? 'not installed'}.`);
  out.push(`1-minute load average ${report.machine.loadAverageAtStart.toFixed(1)} at the start and ${report.loadAverageAtEnd.toFixed(1)} at the end: the machine is shared, so wall-clock figures move with whatever else runs; the per-CPU-second ratio does not.`, '');
  out.push(`**Peers:** ${report.peers}.`, '');
  out.push(`**Settings:** ${Object.entries(report.settings).map(([name, value]) => `${name}=${value}`).join(', ')}.`, '');
  out.push(resultsTable(report.rows), '');
  out.push(
    'How to read it: every server, load generator and upstream runs on the same machine over loopback. Throughput and p50/p99 are closed-loop (autocannon, keep-alive) for the HTTP suites. ' +
      '"Server CPU µs/req" is the user + system CPU time of the server process tree (from /proc) divided by the requests it answered. ' +
      '"Peak RSS" is the largest resident set of the server process tree sampled from /proc every 100 ms while its row was measured (for metering: the benchmark process, which hosts the service). ' +
      'On peer rows, "Gatehouse ÷ this (wall)" is Gatehouse\'s throughput divided by the peer\'s in the same run; "per CPU-second" divides Gatehouse\'s requests per CPU-second of its server by the peer\'s — the figure to trust when the machine is busy. Above 1 means Gatehouse is ahead.',
    '',
  );
  for (const suite of report.suites) {
    out.push(`## ${suite.title}`, '');
    out.push(`${Math.round(suite.seconds)} s, load average ${suite.load[0].toFixed(1)} → ${suite.load[1].toFixed(1)}.${suite.problem ? ` **Problem:** ${suite.problem}` : ''}`, '');
    for (const note of suite.notes) out.push(`- ${note}`);
    if (suite.notes.length) out.push('');
    if (suite.raw.trim()) out.push('<details><summary>harness output</summary>', '', '```text', suite.raw.trim(), '```', '', '</details>', '');
  }
  return `${out.join('\n')}\n`;
}

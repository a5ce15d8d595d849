import { join } from 'node:path';
import { runHarness } from '../lib/harness-run';
import type { BenchRow } from '../lib/rows';
import { outcomeOf, type Suite } from '../lib/suite';
import { parseMeteringOutput } from './metering-output';

const RECORDS = 50_000;
const LEDGER_ROWS = 300_000;
const QUERY_RUNS = 10;

/**
 * Usage ingest (Kafka → ledger + rollups, exactly once) and usage queries
 * (services/metering/bench). No peer does this job, so its rows carry no ratio.
 */
export const meteringSuite: Suite = {
  name: 'metering',
  title: 'Metering ingest and queries (services/metering/bench/metering.bench.ts)',
  async run(context) {
    const run = await runHarness(join(context.dist, 'services/metering/bench/metering.bench.js'), {
      env: { ...context.env, BENCH_RECORDS: String(RECORDS), BENCH_LEDGER_ROWS: String(LEDGER_ROWS), BENCH_QUERY_RUNS: String(QUERY_RUNS) },
      logFile: join(context.workDir, 'metering.log'),
      timeoutMs: 300_000,
      log: context.log,
    });
    const figures = parseMeteringOutput(run.stdout);
    // The harness hosts the service in its own process.
    const peak = run.sampler.peakMiB(run.sampler.rootPid);
    const rows: BenchRow[] = [];
    const { ingest } = figures;
    if (ingest) {
      const cpu = ingest.nodeMicrosPerRecord === null ? null : ingest.nodeMicrosPerRecord + (ingest.postgresMicrosPerRecord ?? 0);
      rows.push({
        suite: 'metering',
        scenario: `ingest ${ingest.records.toLocaleString('en-US')} usage records, Kafka → ledger + rollups`,
        implementation: 'Gatehouse metering',
        role: 'gatehouse',
        unit: 'records/s',
        throughput: ingest.sustainedPerSecond ?? ingest.perSecondFromStart,
        p50Ms: null,
        p99Ms: null,
        cpuMicrosPerRequest: cpu,
        peakRssMiB: peak,
        failures: null,
      });
    }
    for (const query of figures.queries) {
      rows.push({ suite: 'metering', scenario: `query: ${query.label}`, implementation: 'Gatehouse metering', role: 'gatehouse', unit: '', throughput: null, p50Ms: query.p50Ms, p99Ms: null, cpuMicrosPerRequest: null, peakRssMiB: null, failures: null });
    }
    const notes = [
      `${RECORDS.toLocaleString('en-US')} records pre-produced to Kafka, then ingested from a cold start; throughput is the sustained rate (5% → 95% of the records). CPU per record adds the service's node CPU and its Postgres backends' CPU.`,
      `Queries: ${LEDGER_ROWS.toLocaleString('en-US')} ledger rows over 30 days generated with SQL and rolled up, then each query ${figures.queryRuns ?? QUERY_RUNS} times over HTTP one at a time; p99 is not meaningful over ${figures.queryRuns ?? QUERY_RUNS} runs — p95 and max: ${figures.queries.map((query) => `${query.label} ${query.p95Ms} / ${query.maxMs} ms`).join('; ') || 'none parsed'}.`,
      'No peer: nothing comparable ships as an off-the-shelf package, so these rows have no ratio.',
    ];
    const problem = run.problem ?? (ingest ? null : 'the harness output had no ingest figures');
    return { rows, outcome: outcomeOf(this.name, this.title, run, notes, problem) };
  },
};

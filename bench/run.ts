import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { repoRoot, startInfra } from '@gatehouse/devstack';
import { describeMachine } from './lib/machine';
import { ensurePeers } from './lib/peers';
import { type BenchReport, renderMarkdown, type SuiteOutcome } from './lib/report';
import type { BenchRow } from './lib/rows';
import { failedOutcome, type Suite } from './lib/suite';
import { aiSuite } from './suites/ai.suite';
import { gatewaySuite } from './suites/gateway.suite';
import { meteringSuite } from './suites/metering.suite';
import { tokensSuite } from './suites/tokens.suite';

/**
 * `npm run bench`: every benchmark harness of the repository, with the peers side by side, in
 * one report — bench/results/latest.md and latest.json, plus a timestamped copy and the logs.
 * Options: --seconds N (measured seconds per scenario, default 5; env BENCH_SECONDS), --rounds N
 * (rounds of the suites with peers, best round per row kept; default 2),
 * --only gateway,tokens,metering,ai, --no-install (do not install the peers).
 * Kafka and Postgres come from KAFKA_BROKERS / DATABASE_URL, else as for the tests.
 */
const SUITES: readonly Suite[] = [gatewaySuite, tokensSuite, aiSuite, meteringSuite];
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

function options(argv: readonly string[]) {
  const value = (flag: string) => {
    const index = argv.indexOf(flag);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const known = new Set(['--seconds', '--rounds', '--only', '--no-install']);
  const unknown = argv.filter((arg, index) => arg.startsWith('--') && !known.has(arg) && !known.has(argv[index - 1] ?? ''));
  if (unknown.length > 0) throw new Error(`unknown option ${unknown.join(' ')} (usage: npm run bench -- [--seconds N] [--rounds N] [--only ${SUITES.map((suite) => suite.name).join(',')}] [--no-install])`);
  const seconds = Number(value('--seconds') ?? process.env.BENCH_SECONDS ?? 5);
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 120) throw new Error(`--seconds must be between 1 and 120, got ${value('--seconds') ?? process.env.BENCH_SECONDS}`);
  const rounds = Number(value('--rounds') ?? process.env.BENCH_ROUNDS_PER_SUITE ?? 2);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 5) throw new Error(`--rounds must be an integer from 1 to 5, got ${value('--rounds')}`);
  const only = value('--only')?.split(',');
  const unknownSuites = only?.filter((name) => !SUITES.some((suite) => suite.name === name)) ?? [];
  if (unknownSuites.length > 0) throw new Error(`--only: unknown suite ${unknownSuites.join(', ')}; known: ${SUITES.map((suite) => suite.name).join(', ')}`);
  return { seconds, rounds, suites: SUITES.filter((suite) => !only || only.includes(suite.name)), install: !argv.includes('--no-install') };
}

async function main(): Promise<void> {
  const settings = options(process.argv.slice(2));
  const started = new Date();
  const root = repoRoot(__dirname);
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  const results = join(root, 'bench', 'results');
  const workDir = join(results, 'logs', stamp);
  mkdirSync(workDir, { recursive: true });
  const machine = describeMachine();
  log(`${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; logs in ${relative(root, workDir)}`);
  const peers = await ensurePeers(join(root, 'bench', 'peers'), settings.install, log);
  log(peers.note);
  const infra = await startInfra({ mode: 'test', log });
  const env = { ...process.env, KAFKA_BROKERS: infra.kafkaBrokers, DATABASE_URL: infra.databaseUrl, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
  const rows: BenchRow[] = [];
  const outcomes: SuiteOutcome[] = [];
  try {
    for (const suite of settings.suites) {
      log(`${suite.name}: ${suite.title}`);
      const result = await suite
        .run({ dist: join(root, 'dist'), peers, seconds: settings.seconds, rounds: settings.rounds, env, workDir, log })
        .catch((error: Error) => failedOutcome(suite.name, suite.title, error.message));
      rows.push(...result.rows);
      outcomes.push(result.outcome);
      log(`${suite.name}: ${result.rows.length} rows in ${Math.round(result.outcome.seconds)} s${result.outcome.problem ? ` — ${result.outcome.problem}` : ''}`);
    }
  } finally {
    await infra.stop();
  }
  const report: BenchReport = {
    startedAt: started.toISOString(),
    seconds: (Date.now() - started.getTime()) / 1000,
    machine,
    loadAverageAtEnd: loadavg()[0]!,
    settings: { secondsPerScenario: settings.seconds, rounds: settings.rounds, kafka: infra.source.kafka, postgres: infra.source.postgres },
    peers: peers.note,
    suites: outcomes,
    rows,
  };
  const markdown = renderMarkdown(report);
  const json = `${JSON.stringify(report, null, 2)}\n`;
  // Only a run of every suite replaces the committed report; a partial run (--only) keeps its own.
  const latest = settings.suites.length === SUITES.length ? 'latest' : `latest-${settings.suites.map((suite) => suite.name).join('-')}`;
  for (const name of [latest, stamp]) {
    writeFileSync(join(results, `${name}.md`), markdown);
    writeFileSync(join(results, `${name}.json`), json);
  }
  process.stdout.write(markdown);
  log(`wrote ${relative(root, join(results, `${latest}.md`))} and ${latest}.json (copies: ${stamp}.md/.json) in ${Math.round(report.seconds)} s`);
  if (outcomes.some((outcome) => outcome.problem)) process.exitCode = 1;
}

main().catch((error: Error) => {
  process.stderr.write(`npm run bench: ${error.message}\n`);
  process.exit(1);
});

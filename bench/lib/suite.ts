import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type HarnessRun, runHarness } from './harness-run';
import type { Peers } from './peers';
import type { SuiteOutcome } from './report';
import { type BenchRow, bestOf } from './rows';

export interface SuiteContext {
  /** The compiled tree (dist/). */
  readonly dist: string;
  readonly peers: Peers;
  /** Seconds of measured load per scenario. */
  readonly seconds: number;
  /** How many times the suites that compare against peers run (the best round per row is kept). */
  readonly rounds: number;
  /** Environment every harness gets (Kafka and Postgres of this run included). */
  readonly env: NodeJS.ProcessEnv;
  /** Where harness logs and intermediate JSON go. */
  readonly workDir: string;
  readonly log: (line: string) => void;
}

export interface SuiteResult {
  readonly rows: BenchRow[];
  readonly outcome: SuiteOutcome;
}

export interface Suite {
  readonly name: string;
  readonly title: string;
  run(context: SuiteContext): Promise<SuiteResult>;
}

/** The environment that lets a harness `require` the peers (they are not project dependencies). */
export function withPeers(context: SuiteContext, env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const modules = context.peers.dir ? join(context.peers.dir, 'node_modules') : undefined;
  const nodePath = [modules, context.env.NODE_PATH].filter(Boolean).join(':');
  return { ...context.env, ...(nodePath ? { NODE_PATH: nodePath } : {}), ...(context.peers.dir ? { BENCH_PEERS_DIR: context.peers.dir } : {}), ...env };
}

/** Runs a compiled harness with a JSON output file; returns the run and the parsed JSON (null when absent). */
export async function runWithJson<T>(context: SuiteContext, name: string, script: string, env: Record<string, string>, timeoutMs: number): Promise<{ run: HarnessRun; json: T | null }> {
  const jsonFile = join(context.workDir, `${name}.json`);
  rmSync(jsonFile, { force: true });
  const run = await runHarness(join(context.dist, script), {
    env: withPeers(context, { ...env, BENCH_JSON: jsonFile }),
    logFile: join(context.workDir, `${name}.log`),
    timeoutMs,
    log: context.log,
  });
  const json = existsSync(jsonFile) ? (JSON.parse(readFileSync(jsonFile, 'utf8')) as T) : null;
  return { run, json };
}

export function outcomeOf(name: string, title: string, run: HarnessRun, notes: string[], problem: string | null = run.problem): SuiteOutcome {
  return { name, title, seconds: run.seconds, load: run.load, problem, notes, raw: run.stdout };
}

/** An outcome for a suite that could not run at all. */
export function failedOutcome(name: string, title: string, problem: string): SuiteResult {
  return { rows: [], outcome: { name, title, seconds: 0, load: [0, 0], problem, notes: [], raw: '' } };
}

/**
 * Runs a suite's measurement `rounds` times and keeps, per row, the round with the least
 * server CPU per request (see bestOf); notes come from the first round, outputs from all.
 */
export async function inRounds(rounds: number, once: (round: number) => Promise<SuiteResult>): Promise<SuiteResult> {
  const results: SuiteResult[] = [];
  for (let round = 1; round <= rounds; round += 1) results.push(await once(round));
  const [first] = results;
  if (rounds === 1) return first!;
  const outcome = {
    ...first!.outcome,
    seconds: results.reduce((sum, result) => sum + result.outcome.seconds, 0),
    load: [first!.outcome.load[0], results.at(-1)!.outcome.load[1]] as const,
    problem: results.map((result) => result.outcome.problem).find((problem) => problem !== null) ?? null,
    notes: [`Best of ${rounds} rounds per row: the round in which that server spent the least CPU per request (the same rule for Gatehouse and the peers).`, ...first!.outcome.notes],
    raw: results.map((result, index) => `--- round ${index + 1} ---\n${result.outcome.raw.trim()}`).join('\n\n'),
  };
  return { rows: bestOf(results.map((result) => result.rows)), outcome };
}

import { join } from 'node:path';
import { runHarness } from '../lib/harness-run';
import type { BenchRow, Role } from '../lib/rows';
import { inRounds, outcomeOf, runWithJson, type Suite, type SuiteContext, type SuiteResult, withPeers } from '../lib/suite';

interface AiRow {
  scenario: string;
  implementation: string;
  role: Role;
  pid: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  failures: number;
  startedAt: number;
  endedAt: number;
  cpuMicrosPerRequest: number | null;
}

interface AiJson {
  connections: number;
  seconds: number;
  rows: AiRow[];
  notes: string[];
}

const GATEHOUSE_AI = 'Gatehouse AI gateway';

const NAME = 'ai';
const TITLE = 'AI gateway (bench/ai/ai-peers.bench.ts and libs/ai/bench/ai.bench.ts)';

/** One round of the side-by-side run. */
async function peers(context: SuiteContext, round: number): Promise<SuiteResult> {
  const { run, json } = await runWithJson<AiJson>(context, `ai-peers-${round}`, 'bench/ai/ai-peers.bench.js', { BENCH_SECONDS: String(context.seconds), BENCH_CONNECTIONS: '50' }, 180_000);
  const rows: BenchRow[] = (json?.rows ?? []).map((row) => ({
    suite: 'ai',
    scenario: row.scenario,
    implementation: row.implementation,
    role: row.role,
    ...(row.role === 'gatehouse' ? {} : { versus: GATEHOUSE_AI }),
    unit: 'req/s',
    throughput: row.rps,
    p50Ms: row.p50Ms,
    p99Ms: row.p99Ms,
    cpuMicrosPerRequest: row.cpuMicrosPerRequest,
    peakRssMiB: run.sampler.peakMiB(row.pid, row.startedAt, row.endedAt),
    failures: row.failures,
  }));
  const notes = [
    `Both gateways in front of the same fake OpenAI and Anthropic providers (the AI library's recorded fixtures on loopback), ${json?.connections ?? 50} connections × ${json?.seconds ?? context.seconds} s after a 1 s warm-up. The Gatehouse row is the AI handler on plain node:http (no token check); Portkey gets the provider key and target in headers (x-portkey-provider, x-portkey-custom-host).`,
    ...(json?.notes ?? []),
  ];
  return { rows, outcome: outcomeOf(NAME, TITLE, run, notes, run.problem ?? (json ? null : 'the AI peer harness wrote no JSON')) };
}

/**
 * The AI gateway next to @portkey-ai/gateway on the same fake providers (bench/ai), then the AI
 * library's own overhead harness (libs/ai/bench/ai.bench.ts), whose table is kept as it prints it.
 */
export const aiSuite: Suite = {
  name: NAME,
  title: TITLE,
  async run(context) {
    const result = await inRounds(context.rounds, (round) => peers(context, round));
    const overhead = await runHarness(join(context.dist, 'libs/ai/bench/ai.bench.js'), {
      env: withPeers(context, { AI_BENCH_SECONDS: String(Math.min(3, context.seconds)), AI_BENCH_RATE: '500' }),
      logFile: join(context.workDir, 'ai-overhead.log'),
      timeoutMs: 180_000,
      log: context.log,
    });
    const note = `The AI library's own harness (added latency and TTFB versus direct, four scenarios) follows as it printed it${overhead.problem ? `; it failed: ${overhead.problem}` : ''}. Its open-loop latency is measured at 500 req/s (the target rate); the side-by-side rows above come from bench/ai.`;
    const outcome = result.outcome;
    return { rows: result.rows, outcome: { ...outcome, seconds: outcome.seconds + overhead.seconds, notes: [...outcome.notes, note], raw: overhead.stdout } };
  },
};

import type { BenchRow, Role } from '../lib/rows';
import { inRounds, outcomeOf, runWithJson, type Suite, type SuiteContext, type SuiteResult } from '../lib/suite';

interface GatewayScenario {
  name: string;
  pid: number;
  startedAt?: number;
  endedAt?: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  cpuMicrosPerRequest: number | null;
  openLoop: { p50: number; p99: number; p999: number; failures: number } | null;
}

interface GatewayJson {
  connections: number;
  seconds: number;
  rate: number;
  rateSeconds: number;
  scenarios: GatewayScenario[];
  notes: string[];
}

const SCENARIO = 'GET through a proxy, bearer ES256';
export const GATEHOUSE_JWS = 'Gatehouse gateway, JWS + subscription + rate limit + usage';
const GATEHOUSE_JWE = 'Gatehouse gateway, nested JWE (same checks)';

/** How a harness scenario name maps onto a report row. */
export function classifyGatewayScenario(name: string): { implementation: string; role: Role; versus?: string } {
  if (name.startsWith('direct')) return { implementation: 'direct to the upstream (no proxy)', role: 'baseline' };
  if (name.includes('JWE')) return { implementation: GATEHOUSE_JWE, role: 'gatehouse' };
  if (name.startsWith('gateway')) return { implementation: GATEHOUSE_JWS, role: 'gatehouse' };
  if (name.startsWith('nginx')) return { implementation: `${name} — no token check`, role: 'peer', versus: GATEHOUSE_JWS };
  return { implementation: name, role: 'peer', versus: GATEHOUSE_JWS };
}

const NAME = 'gateway';
const TITLE = 'Gateway data plane (services/gateway/bench/gateway-bench.ts)';

async function once(context: SuiteContext, round: number): Promise<SuiteResult> {
  const { run, json } = await runWithJson<GatewayJson>(
    context,
    `gateway-${round}`,
    'services/gateway/bench/gateway-bench.js',
    // Ten one-second slices per scenario: a p99 of 10,000 requests rather than 3,000 moves far less with a neighbour's burst.
    { BENCH_SECONDS: String(context.seconds), BENCH_CONNECTIONS: '50', BENCH_RATE: '1000', BENCH_RATE_SECONDS: '10' },
    240_000,
  );
  if (!json) return { rows: [], outcome: outcomeOf(NAME, TITLE, run, [], run.problem ?? 'the harness wrote no JSON') };
  const rows: BenchRow[] = json.scenarios.map((scenario) => ({
    suite: 'gateway',
    scenario: SCENARIO,
    ...classifyGatewayScenario(scenario.name),
    unit: 'req/s',
    throughput: scenario.rps,
    p50Ms: scenario.p50,
    p99Ms: scenario.p99,
    cpuMicrosPerRequest: scenario.cpuMicrosPerRequest,
    peakRssMiB: run.sampler.peakMiB(scenario.pid, scenario.startedAt, scenario.endedAt),
    failures: scenario.non2xx + scenario.errors,
  }));
  const notes = [
    `${json.connections} connections × ${json.seconds} s per scenario after a 2 s warm-up; usage records ${context.env.KAFKA_BROKERS ? 'produced to Kafka' : 'batched and counted in memory'}.`,
    'The direct row has no proxy at all and the nginx row checks no token: they bound what any proxy can do here, they are not like-for-like peers.',
  ];
  const openLoop = json.scenarios.filter((scenario) => scenario.openLoop);
  const direct = openLoop.find((scenario) => scenario.name.startsWith('direct'))?.openLoop;
  if (openLoop.length > 0) {
    const parts = openLoop.map((scenario) => {
      const latency = scenario.openLoop!;
      const added = direct && scenario.openLoop !== direct ? `, +${(latency.p99 - direct.p99).toFixed(2)} ms p99 over direct` : '';
      return `${classifyGatewayScenario(scenario.name).implementation}: p50 ${latency.p50.toFixed(2)} ms, p99 ${latency.p99.toFixed(2)} ms, p99.9 ${latency.p999.toFixed(2)} ms${added}${latency.failures ? `, ${latency.failures} failed` : ''}`;
    });
    notes.push(`Open-loop latency at ${json.rate} req/s for ${json.rateSeconds} s (performance.now()): ${parts.join('; ')}.`);
  }
  notes.push(...json.notes);
  return { rows, outcome: outcomeOf(NAME, TITLE, run, notes) };
}

/** The data plane against an upstream, next to fastify, HAProxy and nginx (services/gateway/bench). */
export const gatewaySuite: Suite = {
  name: NAME,
  title: TITLE,
  run: (context) => inRounds(context.rounds, (round) => once(context, round)),
};

import type { BenchRow } from '../lib/rows';
import { outcomeOf, runWithJson, type Suite } from '../lib/suite';

interface TokenResult {
  server: string;
  pid?: number;
  token: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  total: number;
  failures: number;
  perCpuSecond: number | null;
  startedAt?: number;
  endedAt?: number;
}

interface TokensJson {
  rounds: number;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  results: TokenResult[];
}

const SCENARIO = 'client_credentials → ES256 access token';
export const IDENTITY_JWS = 'Gatehouse identity, JWS';

/** The token endpoint next to oidc-provider configured the same way (services/identity/bench). */
export const tokensSuite: Suite = {
  name: 'tokens',
  title: 'Token endpoint (services/identity/bench/tokens.bench.ts)',
  async run(context) {
    const { run, json } = await runWithJson<TokensJson>(
      context,
      'tokens',
      'services/identity/bench/tokens.bench.js',
      // An odd number of rounds, so the harness's median is one of them.
      { BENCH_DURATION_SECONDS: String(Math.max(2, context.seconds - 1)), BENCH_WARMUP_SECONDS: '2', BENCH_ROUNDS: String(context.rounds > 1 ? 3 : 1), BENCH_CONNECTIONS: '32' },
      240_000,
    );
    if (!json) return { rows: [], outcome: outcomeOf(this.name, this.title, run, [], run.problem ?? 'the harness wrote no JSON') };
    const rows: BenchRow[] = json.results.map((result) => {
      const ours = result.server === 'identity';
      const encrypted = result.token.includes('JWE');
      return {
        suite: 'tokens',
        scenario: SCENARIO,
        implementation: ours ? (encrypted ? 'Gatehouse identity, nested JWE (ES256 in ECDH-ES+A256KW)' : IDENTITY_JWS) : `${result.server} (${result.token})`,
        role: ours ? 'gatehouse' : 'peer',
        ...(ours ? {} : { versus: IDENTITY_JWS }),
        unit: 'tokens/s',
        throughput: result.requestsPerSecond,
        p50Ms: result.p50,
        p99Ms: result.p99,
        cpuMicrosPerRequest: result.perCpuSecond ? 1e6 / result.perCpuSecond : null,
        peakRssMiB: result.pid === undefined ? null : run.sampler.peakMiB(result.pid, result.startedAt, result.endedAt),
        failures: result.failures,
      };
    });
    const notes = [
      `${json.connections} connections, ${json.durationSeconds} s per target after ${json.warmupSeconds} s of warm-up, median of ${json.rounds} round(s) by tokens per CPU-second (the harness's rule; the targets take turns within each round); client_secret_basic, resource indicator, 300 s tokens; identity with Postgres and Kafka running.`,
    ];
    if (!json.results.some((result) => result.server !== 'identity')) notes.push('oidc-provider was not available: no peer row.');
    else if (Number(process.versions.node.split('.')[0]) < 22) notes.push(`oidc-provider 9 warns at start that Node ${process.versions.node} is not a supported runtime (it asks for Node 22 LTS); it ran and its tokens verified, on the Node version Gatehouse targets.`);
    return { rows, outcome: outcomeOf(this.name, this.title, run, notes) };
  },
};

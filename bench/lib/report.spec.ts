import { describe, expect, it } from 'vitest';
import { parseMeteringOutput } from '../suites/metering-output';
import { classifyGatewayScenario, GATEHOUSE_JWS } from '../suites/gateway.suite';
import { resultsTable } from './report';
import { type BenchRow, bestOf, ratioOf } from './rows';
import { inRounds } from './suite';

const row = (overrides: Partial<BenchRow>): BenchRow => ({
  suite: 'gateway',
  scenario: 'GET',
  implementation: GATEHOUSE_JWS,
  role: 'gatehouse',
  unit: 'req/s',
  throughput: 10_000,
  p50Ms: 1,
  p99Ms: 4,
  cpuMicrosPerRequest: 50,
  peakRssMiB: 90,
  failures: 0,
  ...overrides,
});

describe('benchmark report', () => {
  it('gives each peer the Gatehouse ÷ peer ratio in wall-clock throughput and per CPU-second', () => {
    const rows = [row({}), row({ implementation: 'fastify', role: 'peer', versus: GATEHOUSE_JWS, throughput: 4_000, cpuMicrosPerRequest: 200 })];
    expect(ratioOf(rows[1]!, rows)).toEqual({ wall: 2.5, perCpuSecond: 4 });
    expect(ratioOf(rows[0]!, rows)).toBeNull();
    const table = resultsTable(rows);
    expect(table).toContain('| gateway | GET | fastify | 4,000 req/s | 1.00 | 4.00 | 200 | 90 | 2.50× | 4.00× |');
    expect(table).toContain(`| **${GATEHOUSE_JWS}** | 10,000 req/s |`);
  });

  it('leaves a ratio out when a figure is missing rather than inventing one', () => {
    const rows = [row({ cpuMicrosPerRequest: null }), row({ implementation: 'HAProxy', role: 'peer', versus: GATEHOUSE_JWS, throughput: 5_000 })];
    expect(ratioOf(rows[1]!, rows)).toEqual({ wall: 2, perCpuSecond: null });
  });

  it('maps the gateway harness scenarios onto Gatehouse rows, peers and the baseline', () => {
    expect(classifyGatewayScenario('direct to upstream')).toEqual({ implementation: 'direct to the upstream (no proxy)', role: 'baseline' });
    expect(classifyGatewayScenario('gateway: JWS + subscription + rate limit + usage')).toMatchObject({ role: 'gatehouse', implementation: GATEHOUSE_JWS });
    expect(classifyGatewayScenario('gateway: nested JWE (same checks)')).toMatchObject({ role: 'gatehouse' });
    expect(classifyGatewayScenario('HAProxy jwt_verify ES256 (1 thread)')).toEqual({ implementation: 'HAProxy jwt_verify ES256 (1 thread)', role: 'peer', versus: GATEHOUSE_JWS });
    expect(classifyGatewayScenario('nginx proxy_pass (no auth, 1 worker)').implementation).toMatch(/no token check$/);
  });
});

describe('rounds', () => {
  it('keeps, per implementation and scenario, the round with the least CPU per request', () => {
    const first = [row({ cpuMicrosPerRequest: 60, throughput: 9_000 }), row({ implementation: 'fastify', role: 'peer', cpuMicrosPerRequest: 150 })];
    const second = [row({ cpuMicrosPerRequest: 80, throughput: 11_000 }), row({ implementation: 'fastify', role: 'peer', cpuMicrosPerRequest: 120 })];
    expect(bestOf([first, second]).map((best) => [best.implementation, best.cpuMicrosPerRequest, best.throughput])).toEqual([
      [GATEHOUSE_JWS, 60, 9_000],
      ['fastify', 120, 10_000],
    ]);
    expect(bestOf([[row({ cpuMicrosPerRequest: null, throughput: 5 })], [row({ cpuMicrosPerRequest: null, throughput: 7 })]])[0]!.throughput).toBe(7);
  });

  it('runs a suite round after round and merges what they measured', async () => {
    const outcome = (round: number) => ({ name: 'gateway', title: 'Gateway', seconds: 10, load: [round, round + 0.5] as const, problem: round === 2 ? 'exited with code 1' : null, notes: [`round ${round}`], raw: `table ${round}` });
    const merged = await inRounds(2, async (round) => ({ rows: [row({ cpuMicrosPerRequest: 100 - round })], outcome: outcome(round) }));
    expect(merged.rows).toHaveLength(1);
    expect(merged.rows[0]!.cpuMicrosPerRequest).toBe(98);
    expect(merged.outcome).toMatchObject({ seconds: 20, load: [1, 2.5], problem: 'exited with code 1', raw: '--- round 1 ---\ntable 1\n\n--- round 2 ---\ntable 2' });
    expect(merged.outcome.notes).toEqual([expect.stringMatching(/^Best of 2 rounds/), 'round 1']);
  });
});

describe('metering harness output', () => {
  const output = `pre-produced 50000 usage records in 6.7 s (7512 records/s)

ingest: 50000 records in 12.8 s from app start (boot and group join included) = 3909 records/s
sustained (5% to 95% of the records): 7611 records/s
CPU during ingest: node 2.6 s (52.0 µs/record, Kafka fetch and decoding included), Postgres backends 1.9 s (37.0 µs/record)

query latency over HTTP (10 runs each after one warm-up):
query                                                   rows  p50 ms  p95 ms  max ms
30 d by day, per application, one tenant                 310    57.4   122.2   127.9
6 h by minute, per route, one API                        154    21.6    40.8    40.8

one transaction of 10000 new records, taken apart (mean of 5):
step  wall ms
`;

  it('reads the ingest figures and the query table', () => {
    expect(parseMeteringOutput(output)).toEqual({
      ingest: { records: 50_000, perSecondFromStart: 3_909, sustainedPerSecond: 7_611, nodeMicrosPerRecord: 52, postgresMicrosPerRecord: 37 },
      queries: [
        { label: '30 d by day, per application, one tenant', rows: 310, p50Ms: 57.4, p95Ms: 122.2, maxMs: 127.9 },
        { label: '6 h by minute, per route, one API', rows: 154, p50Ms: 21.6, p95Ms: 40.8, maxMs: 40.8 },
      ],
      queryRuns: 10,
    });
  });

  it('returns nulls for what the output does not hold', () => {
    expect(parseMeteringOutput('metering benchmark: failed early')).toEqual({ ingest: null, queries: [], queryRuns: null });
  });
});

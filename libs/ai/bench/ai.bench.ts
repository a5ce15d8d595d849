// AI gateway overhead: the same requests sent straight to a fake provider and through
// createAiHandler in front of it. Run after `npm run build`: node dist/libs/ai/bench/ai.bench.js
// Env: AI_BENCH_SECONDS (per throughput run, default 5), AI_BENCH_RATE (open-loop req/s, default 500;
// the table gives p50 and p99 added over a direct call at that rate).
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fixedRate, sequential, throughput, type BenchRequest, type LatencyResult } from './bench-load';
import { runFakes, runGateway, type FakeAddresses } from './bench-processes';

const seconds = Number(process.env.AI_BENCH_SECONDS ?? 5);
const rate = Number(process.env.AI_BENCH_RATE ?? 500);
const connections = 50;

function start<T>(role: string, argument?: unknown): Promise<{ child: ChildProcess; message: T }> {
  const child = fork(__filename, [role, JSON.stringify(argument ?? null)], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve({ child, message: message as T }));
    child.once('exit', (code) => reject(new Error(`${role} exited with ${code}`)));
  });
}

/** CPU time (µs) a child process has used so far. */
function cpu(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (message) => resolve((message as { cpu: number }).cpu));
    child.send('cpu');
  });
}

function scenarios(fakes: FakeAddresses, gateway: string) {
  const messages = [{ role: 'user', content: 'Say hello.' }];
  const viaGateway = (model: string, stream: boolean): BenchRequest => ({
    url: `${gateway}/v1/chat/completions`,
    headers: {},
    body: JSON.stringify({ model, messages, max_tokens: 64, ...(stream ? { stream: true } : {}) }),
  });
  const openAiDirect = (stream: boolean): BenchRequest => ({
    url: `${fakes.openai.baseUrl}/chat/completions`,
    headers: { authorization: `Bearer ${fakes.openai.apiKey}` },
    body: JSON.stringify({ model: 'gpt-4o', messages, max_tokens: 64, ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}) }),
  });
  const anthropicDirect = (stream: boolean): BenchRequest => ({
    url: `${fakes.anthropic.baseUrl}/v1/messages`,
    headers: { 'x-api-key': fakes.anthropic.apiKey, 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model: 'claude-sonnet-4-20250514', max_tokens: 64, messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hello.' }] }], ...(stream ? { stream: true } : {}) }),
  });
  return [
    { name: 'openai, JSON', direct: openAiDirect(false), gateway: viaGateway('gpt-4o', false) },
    { name: 'openai, stream', direct: openAiDirect(true), gateway: viaGateway('gpt-4o', true) },
    { name: 'anthropic, JSON', direct: anthropicDirect(false), gateway: viaGateway('claude-sonnet', false) },
    { name: 'anthropic, stream', direct: anthropicDirect(true), gateway: viaGateway('claude-sonnet', true) },
  ];
}

const best = (a: LatencyResult, b: LatencyResult): LatencyResult => (a.p50 <= b.p50 ? a : b);
const ms = (micros: number) => `${(micros / 1000).toFixed(2)} ms`;

async function main(): Promise<void> {
  const fakes = await start<FakeAddresses>('fake');
  const gateway = await start<{ url: string }>('gateway', fakes.message);
  const rows: string[] = [];
  const load = loadavg()[0]!.toFixed(1);
  try {
    for (const scenario of scenarios(fakes.message, gateway.message.url)) {
      await throughput(scenario.gateway, connections, 1); // warm-up (JIT, pools)
      const direct = await throughput(scenario.direct, connections, seconds);
      const before = await cpu(gateway.child);
      const through = await throughput(scenario.gateway, connections, seconds);
      const gatewayCpu = (await cpu(gateway.child)) - before;
      // Best of two open-loop runs each: on a shared machine one run can catch another job's burst.
      const directLatency = best(await fixedRate(scenario.direct, rate, 3), await fixedRate(scenario.direct, rate, 3));
      const throughLatency = best(await fixedRate(scenario.gateway, rate, 3), await fixedRate(scenario.gateway, rate, 3));
      const directAlone = await sequential(scenario.direct, 1000);
      const throughAlone = await sequential(scenario.gateway, 1000);
      rows.push(
        [
          scenario.name,
          direct.rps.toFixed(0),
          through.rps.toFixed(0),
          `${(gatewayCpu / Math.max(1, through.total)).toFixed(0)} µs`,
          ms(directLatency.p50),
          ms(throughLatency.p50),
          ms(throughLatency.p50 - directLatency.p50),
          ms(directLatency.p99),
          ms(throughLatency.p99),
          ms(throughLatency.p99 - directLatency.p99),
          ms(throughLatency.ttfb50 - directLatency.ttfb50),
          ms(throughAlone.p50 - directAlone.p50),
          ms(throughAlone.ttfb50 - directAlone.ttfb50),
          String(direct.failures + through.failures + directLatency.failures + throughLatency.failures + directAlone.failures + throughAlone.failures),
        ].join(' | '),
      );
    }
  } finally {
    gateway.child.kill();
    fakes.child.kill();
  }
  console.log(`AI gateway benchmark — Node ${process.version}, ${availableParallelism()} cores (load average ${load} at start), loopback; fake provider, gateway and load generator in 3 processes`);
  console.log(`throughput: autocannon ${connections} connections × ${seconds} s; latency: open loop at ${rate} req/s × 3 s (p50, p99), best of 2 runs by p50`);
  console.log('sequential: 1000 requests one at a time on one connection (medians)');
  console.log('| scenario | direct req/s | via gateway req/s | gateway CPU per request | direct p50 | via gateway p50 | added p50 | direct p99 | via gateway p99 | added p99 | added TTFB p50 | added p50, sequential | added TTFB p50, sequential | failures |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(`| ${row} |`);
  console.log('The side-by-side run with @portkey-ai/gateway is bench/ai/ai-peers.bench.ts (npm run bench:ai runs both).');
}

const role = process.argv[2];
if (role === 'fake') void runFakes();
else if (role === 'gateway') void runGateway(JSON.parse(process.argv[3] ?? 'null') as FakeAddresses);
else
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });

import { type ChildProcess, fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GATEWAY_NODE_OPTIONS } from '@gatehouse/devstack';
import { benchFixture } from './bench-state';
import { type LatencyResult, OpenLoop, throughput, type ThroughputResult } from './load';
import { treeCpuSeconds } from '../../../bench/lib/proc';
import { type ReferenceProxy, startHaproxy, startNginx } from './reference-proxies';

/**
 * `npm run bench:gateway`: the data plane against an upstream on loopback, side by side with a
 * direct hop, nginx and HAProxy (when installed) and a fastify peer (when installed). Prints a
 * markdown table; measures, never asserts. Options (env): BENCH_SECONDS (10), BENCH_CONNECTIONS
 * (50), BENCH_RATE (1000), BENCH_RATE_SECONDS (5: one-second open-loop slices per scenario),
 * BENCH_OUT (a file for the table), BENCH_JSON (a file for the same results as JSON, with each
 * scenario's server pid and measured time window), BENCH_PROFILE_DIR (CPU profile of the gateway),
 * BENCH_GATEWAY_NODE_FLAGS (node flags for the gateway process; default production's
 * `GATEWAY_NODE_OPTIONS`, `--max-semi-space-size=32`; empty for V8's defaults),
 * BENCH_USAGE_PRODUCER (`thread`, production's worker thread, by default; `inline` produces on the
 * gateway's own event loop, for comparison; both need KAFKA_BROKERS).
 */
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const rate = Number(process.env.BENCH_RATE ?? 1000);
const rateSeconds = Number(process.env.BENCH_RATE_SECONDS ?? 5);
const children: ChildProcess[] = [];

function child<T>(file: string, init?: unknown, execArgv: string[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    const process_ = fork(join(__dirname, file), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
    children.push(process_);
    process_.once('message', (message) => resolve(message as T));
    process_.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
    if (init !== undefined) process_.send(init as never);
  });
}

function installed(...names: string[]): string[] {
  return names.filter((name) => {
    try {
      require.resolve(name);
      return false;
    } catch {
      return true;
    }
  });
}

interface GatewayStats {
  cpu: NodeJS.CpuUsage;
  records: number;
  tokenCache: unknown;
  /** Event-loop delay of the gateway since the last reset (resolution 10 ms, so the floor is ~10 ms). */
  loopDelayMs: { p50: number; p99: number; max: number };
  /** Usage batches handed to the sink since the last reset, and how long encoding them blocked the loop. */
  usageSends: { batches: number; meanBlockedMs: number; maxBlockedMs: number };
  /** Garbage-collection pauses since the last reset. */
  gc: { pauses: number; totalMs: number; maxMs: number };
}

interface Scenario {
  name: string;
  url: string;
  headers: Record<string, string>;
  /** The server process whose CPU per request is measured (the proxy, or the upstream when direct). */
  pid: number;
}

async function check(scenario: Scenario): Promise<void> {
  const response = await fetch(scenario.url, { headers: scenario.headers });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${scenario.name}: ${scenario.url} answered ${response.status}, not 200`);
}

const fmt = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

async function main(): Promise<void> {
  const notes: string[] = [];
  const references: ReferenceProxy[] = [];
  const { port: upstreamPort } = await child<{ port: number }>('bench-upstream.js');
  const upstreamPid = children.at(-1)!.pid!;
  const upstream = `http://127.0.0.1:${upstreamPort}`;
  const fixture = await benchFixture(upstream);
  const profile = [
    ...(process.env.BENCH_PROFILE_DIR ? [`--cpu-prof`, `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : []),
    ...(process.env.BENCH_GATEWAY_NODE_FLAGS ?? GATEWAY_NODE_OPTIONS).split(' ').filter(Boolean),
  ];
  const gateway = await child<{ port: number; usage: string }>('bench-gateway.js', { state: fixture.state, secret: fixture.secret }, profile);
  const gatewayProcess = children.at(-1)!;
  const gatewayStats = (resetDelay = false) =>
    new Promise<GatewayStats>((resolve) => {
      gatewayProcess.once('message', (message) => resolve(message as GatewayStats));
      gatewayProcess.send({ stats: true, resetDelay });
    });
  notes.push(`gateway: ${gateway.usage}`);
  const gatewayUrl = `http://127.0.0.1:${gateway.port}/pets/v1/pets/42`;
  const scenarios: Scenario[] = [
    { name: 'direct to upstream', url: `${upstream}/pets/42`, headers: {}, pid: upstreamPid },
    { name: 'gateway: JWS + subscription + rate limit + usage', url: gatewayUrl, headers: { authorization: `Bearer ${fixture.jws}` }, pid: gatewayProcess.pid! },
    { name: 'gateway: nested JWE (same checks)', url: gatewayUrl, headers: { authorization: `Bearer ${fixture.jwe}` }, pid: gatewayProcess.pid! },
  ];
  const missing = installed('fastify', '@fastify/http-proxy', '@fastify/jwt');
  if (missing.length === 0) {
    const peer = await child<{ port: number }>('bench-fastify.js', { upstream, publicKeyPem: fixture.publicKeyPem, issuer: fixture.state.issuer, audience: fixture.audience });
    scenarios.push({ name: 'fastify + @fastify/http-proxy + @fastify/jwt', url: `http://127.0.0.1:${peer.port}/pets/v1/pets/42`, headers: { authorization: `Bearer ${fixture.jws}` }, pid: children.at(-1)!.pid! });
  } else notes.push(`fastify peer skipped: ${missing.join(', ')} not installed (npm i -D fastify@5.12.8 @fastify/http-proxy@11.6.3 @fastify/jwt@10.2.8)`);
  for (const started of [await startNginx(upstreamPort), await startHaproxy(upstreamPort, fixture.publicKeyPem)]) {
    if (typeof started === 'string') {
      notes.push(started);
      continue;
    }
    references.push(started);
    scenarios.push({ name: started.name, url: `${started.url}/pets/v1/pets/42`, headers: started.name.startsWith('HAProxy') ? { authorization: `Bearer ${fixture.jws}` } : {}, pid: started.pid });
  }

  const results = new Map<string, ThroughputResult>();
  const cpuPerRequest = new Map<string, number>();
  const windows = new Map<string, { startedAt: number; endedAt: number }>();
  // Warm the gateway's JIT on both token kinds before anything is measured.
  for (const scenario of scenarios.slice(1, 3)) await throughput(scenario.url, scenario.headers, connections, Math.min(3, seconds));
  for (const scenario of scenarios) {
    await check(scenario);
    await throughput(scenario.url, scenario.headers, connections, Math.min(2, seconds));
    const before = treeCpuSeconds(scenario.pid);
    const startedAt = Date.now();
    const result = await throughput(scenario.url, scenario.headers, connections, seconds);
    windows.set(scenario.name, { startedAt, endedAt: Date.now() });
    results.set(scenario.name, result);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = treeCpuSeconds(scenario.pid);
    if (before !== null && after !== null && result.total > 0) cpuPerRequest.set(scenario.name, ((after - before) * 1e6) / result.total);
    process.stderr.write(`measured ${scenario.name}\n`);
  }
  const latency = new Map<string, LatencyResult>();
  const loopDelay = new Map<string, GatewayStats['loopDelayMs']>();
  const usageSends = new Map<string, { batches: number; blockedMs: number; maxBlockedMs: number; gcPauses: number; gcMs: number; gcMaxMs: number }>();
  // One-second slices, interleaved and rotated: on a shared machine a burst of other work then
  // hits the direct hop and the gateway alike instead of one scenario's whole run.
  const loops = scenarios.slice(0, 3).map((scenario) => ({ scenario, loop: new OpenLoop(scenario.url, scenario.headers) }));
  for (const { loop } of loops) {
    await loop.run(rate, 0.5);
    loop.reset();
  }
  for (let slice = 0; slice < rateSeconds; slice += 1) {
    for (let turn = 0; turn < loops.length; turn += 1) {
      const { scenario, loop } = loops[(slice + turn) % loops.length]!;
      const viaGateway = scenario.pid === gatewayProcess.pid;
      if (viaGateway) await gatewayStats(true);
      await loop.run(rate, 1);
      if (!viaGateway) continue;
      const stats = await gatewayStats();
      const delay = loopDelay.get(scenario.name);
      loopDelay.set(scenario.name, { p50: Math.max(delay?.p50 ?? 0, stats.loopDelayMs.p50), p99: Math.max(delay?.p99 ?? 0, stats.loopDelayMs.p99), max: Math.max(delay?.max ?? 0, stats.loopDelayMs.max) });
      const sends = usageSends.get(scenario.name) ?? { batches: 0, blockedMs: 0, maxBlockedMs: 0, gcPauses: 0, gcMs: 0, gcMaxMs: 0 };
      sends.batches += stats.usageSends.batches;
      sends.blockedMs += stats.usageSends.meanBlockedMs * stats.usageSends.batches;
      sends.maxBlockedMs = Math.max(sends.maxBlockedMs, stats.usageSends.maxBlockedMs);
      sends.gcPauses += stats.gc.pauses;
      sends.gcMs += stats.gc.totalMs;
      sends.gcMaxMs = Math.max(sends.gcMaxMs, stats.gc.maxMs);
      usageSends.set(scenario.name, sends);
    }
  }
  for (const { scenario, loop } of loops) {
    latency.set(scenario.name, loop.result());
    await loop.close();
  }
  for (const [name, sends] of usageSends) {
    notes.push(
      `open loop, ${name}: ${sends.batches} usage batches, handing one to the sink blocked the event loop ${fmt(sends.batches ? sends.blockedMs / sends.batches : 0)} ms on average, ${fmt(sends.maxBlockedMs)} ms at most; ${sends.gcPauses} GC pauses, ${fmt(sends.gcMs, 1)} ms in all, ${fmt(sends.gcMaxMs)} ms at most`,
    );
  }

  const lines = [
    `Gateway benchmark — ${new Date().toISOString()}, Node ${process.version}, ${connections} connections × ${seconds} s (autocannon), loopback, all processes on one machine`,
    '',
    '| scenario | req/s | p50 ms | p99 ms | non-2xx | errors | server CPU µs/request |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...scenarios.map((scenario) => {
      const result = results.get(scenario.name)!;
      const cpu = cpuPerRequest.get(scenario.name);
      return `| ${scenario.name} | ${Math.round(result.rps)} | ${result.p50} | ${result.p99} | ${result.non2xx} | ${result.errors} | ${cpu === undefined ? '—' : fmt(cpu, 0)} |`;
    }),
    '',
    `Open-loop latency at ${rate} req/s, ${rateSeconds} one-second slices per scenario, interleaved (performance.now()):`,
    '',
    '| scenario | p50 ms | p99 ms | p99.9 ms | failures | added p50 ms | added p99 ms | gateway event-loop delay p99 / max ms (10 ms sampling included) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const direct = latency.get(scenarios[0]!.name)!;
  for (const [name, result] of latency) {
    const isDirect = name === scenarios[0]!.name;
    const delay = loopDelay.get(name);
    lines.push(
      `| ${name} | ${fmt(result.p50)} | ${fmt(result.p99)} | ${fmt(result.p999)} | ${result.failures} | ${isDirect ? '—' : fmt(result.p50 - direct.p50)} | ${isDirect ? '—' : fmt(result.p99 - direct.p99)} | ${delay ? `${fmt(delay.p99, 1)} / ${fmt(delay.max, 1)}` : '—'} |`,
    );
  }
  const rps = (name: string) => results.get(name)?.rps;
  const jws = rps(scenarios[1]!.name)!;
  const jwe = rps(scenarios[2]!.name)!;
  const fastify = rps('fastify + @fastify/http-proxy + @fastify/jwt');
  const nginx = references.find((reference) => reference.name.startsWith('nginx'));
  const perCore = (name: string) => (cpuPerRequest.get(name) ? 1e6 / cpuPerRequest.get(name)! : Number.NaN);
  lines.push('', 'Targets (measured, not asserted):', '');
  const cpuJws = cpuPerRequest.get(scenarios[1]!.name);
  const cpuJwe = cpuPerRequest.get(scenarios[2]!.name);
  lines.push(`- JWE within 10% of JWS: ${fmt((jwe / jws) * 100, 1)}% of JWS throughput; gateway CPU per request JWE/JWS ${cpuJws && cpuJwe ? `${fmt((cpuJwe / cpuJws) * 100, 1)}%` : 'n/a'}`);
  lines.push(`- ≥ 2× the fastify peer: ${fastify ? `${fmt(jws / fastify)}× in req/s; ${fmt(perCore(scenarios[1]!.name) / perCore('fastify + @fastify/http-proxy + @fastify/jwt'))}× in requests per CPU-second` : 'peer not installed'}`);
  lines.push(`- ≥ 0.3× nginx plain proxy: ${nginx ? `${fmt(jws / rps(nginx.name)!)}× in req/s; ${fmt(perCore(scenarios[1]!.name) / perCore(nginx.name))}× in requests per CPU-second` : 'nginx not installed'}`);
  lines.push(`- p99 added latency < 2 ms at ${rate} req/s: JWS ${fmt(latency.get(scenarios[1]!.name)!.p99 - direct.p99)} ms, JWE ${fmt(latency.get(scenarios[2]!.name)!.p99 - direct.p99)} ms`);
  notes.push(`gateway token cache: ${JSON.stringify((await gatewayStats()).tokenCache)}`);
  if (notes.length) lines.push('', ...notes.map((note) => `Note: ${note}`));
  const table = lines.join('\n');
  console.log(table);
  if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, `${table}\n`);
  if (process.env.BENCH_JSON) {
    const json = {
      node: process.version,
      connections,
      seconds,
      rate,
      rateSeconds,
      scenarios: scenarios.map((scenario) => ({
        name: scenario.name,
        pid: scenario.pid,
        ...windows.get(scenario.name),
        ...results.get(scenario.name),
        cpuMicrosPerRequest: cpuPerRequest.get(scenario.name) ?? null,
        openLoop: latency.get(scenario.name) ?? null,
        gatewayLoopDelayMs: loopDelay.get(scenario.name) ?? null,
      })),
      notes,
    };
    writeFileSync(process.env.BENCH_JSON, `${JSON.stringify(json, null, 2)}\n`);
  }
  for (const reference of references) reference.stop();
  process.stderr.write(`load average at the end: ${require('node:os').loadavg().map((value: number) => value.toFixed(1)).join(' ')}\n`);
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    // Disconnecting lets each child exit normally (and write its CPU profile when asked to).
    for (const process_ of children) if (process_.connected) process_.disconnect();
    setTimeout(() => {
      for (const process_ of children) if (process_.exitCode === null) process_.kill();
    }, 3_000).unref();
  });

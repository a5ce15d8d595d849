import { type ChildProcess, fork, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { closedLoop, type LoadRequest, type LoadResult, probe } from '../lib/load';
import { freePort, waitForPort } from '../lib/ports';
import { treeCpuSeconds } from '../lib/proc';

/**
 * The AI gateway next to `@portkey-ai/gateway`: both in front of the same fake providers (the
 * AI library's recorded fixtures, served on loopback), answering the same OpenAI-shaped
 * requests. Writes JSON rows to BENCH_JSON. Env: BENCH_SECONDS (5), BENCH_CONNECTIONS (50),
 * BENCH_PEERS_DIR (where the peers' node_modules live).
 */
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const aiHarness = join(__dirname, '../../libs/ai/bench/ai.bench.js');
const children: ChildProcess[] = [];

interface FakeAddresses {
  openai: { baseUrl: string; apiKey: string };
  anthropic: { baseUrl: string; apiKey: string };
}

function forkRole<T>(role: string, argument: unknown = null): Promise<{ pid: number; message: T }> {
  const child = fork(aiHarness, [role, JSON.stringify(argument)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve({ pid: child.pid!, message: message as T }));
    child.once('exit', (code) => reject(new Error(`${role} exited with ${code}`)));
  });
}

async function startPortkey(): Promise<{ pid: number; url: string } | string> {
  const peers = process.env.BENCH_PEERS_DIR;
  const entry = peers ? join(peers, 'node_modules/@portkey-ai/gateway/build/start-server.js') : '';
  if (!peers || !existsSync(entry)) return '@portkey-ai/gateway is not installed (bench/peers): no side-by-side run';
  const port = await freePort();
  const child = spawn(process.execPath, [entry, `--port=${port}`, '--headless'], { env: { ...process.env, NODE_ENV: 'production' }, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  child.stderr!.on('data', (chunk: Buffer) => {
    portkeyErrors = (portkeyErrors + chunk.toString()).slice(-2_000);
  });
  await waitForPort(port, () => child.exitCode !== null);
  return { pid: child.pid!, url: `http://127.0.0.1:${port}` };
}

/** The end of what the peer wrote to stderr, to explain a failed probe. */
let portkeyErrors = '';
const firstErrorLine = () => portkeyErrors.split('\n').find((line) => /error/i.test(line))?.trim().slice(0, 160) ?? 'nothing on stderr';

interface Target {
  scenario: string;
  implementation: string;
  role: 'gatehouse' | 'peer' | 'baseline';
  pid: number;
  request: LoadRequest;
  accept: (body: string) => boolean;
}

function targets(fakes: FakeAddresses, gateway: { pid: number; url: string }, fake: number, portkey: { pid: number; url: string } | null): Target[] {
  const messages = [{ role: 'user', content: 'Say hello.' }];
  const post = (url: string, headers: Record<string, string>, body: object): LoadRequest => ({ url, method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const chat = (body: string) => body.includes('"choices"');
  const sse = (body: string) => body.includes('data:');
  const list: Target[] = [];
  for (const stream of [false, true]) {
    const scenario = `chat completion, OpenAI, ${stream ? 'SSE stream' : 'JSON'}`;
    const accept = stream ? sse : chat;
    const body = { model: 'gpt-4o', messages, max_tokens: 64, ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}) };
    list.push({ scenario, implementation: 'direct to the fake provider', role: 'baseline', pid: fake, accept, request: post(`${fakes.openai.baseUrl}/chat/completions`, { authorization: `Bearer ${fakes.openai.apiKey}` }, body) });
    list.push({ scenario, implementation: 'Gatehouse AI gateway', role: 'gatehouse', pid: gateway.pid, accept, request: post(`${gateway.url}/v1/chat/completions`, {}, body) });
    if (portkey) {
      const headers = { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': fakes.openai.baseUrl, authorization: `Bearer ${fakes.openai.apiKey}` };
      list.push({ scenario, implementation: '@portkey-ai/gateway', role: 'peer', pid: portkey.pid, accept, request: post(`${portkey.url}/v1/chat/completions`, headers, body) });
    }
  }
  const scenario = 'chat completion, OpenAI shape → Anthropic, JSON';
  list.push({ scenario, implementation: 'Gatehouse AI gateway', role: 'gatehouse', pid: gateway.pid, accept: chat, request: post(`${gateway.url}/v1/chat/completions`, {}, { model: 'claude-sonnet', messages, max_tokens: 64 }) });
  if (portkey) {
    const headers = { 'x-portkey-provider': 'anthropic', 'x-portkey-custom-host': `${fakes.anthropic.baseUrl}/v1`, authorization: `Bearer ${fakes.anthropic.apiKey}` };
    list.push({ scenario, implementation: '@portkey-ai/gateway', role: 'peer', pid: portkey.pid, accept: chat, request: post(`${portkey.url}/v1/chat/completions`, headers, { model: 'claude-sonnet-4-20250514', messages, max_tokens: 64 }) });
  }
  return list;
}

async function main(): Promise<void> {
  const out = process.env.BENCH_JSON;
  const notes: string[] = [];
  const fakes = await forkRole<FakeAddresses>('fake');
  const gateway = await forkRole<{ url: string }>('gateway', fakes.message);
  const portkey = await startPortkey();
  if (typeof portkey === 'string') notes.push(portkey);
  const list = targets(fakes.message, { pid: gateway.pid, url: gateway.message.url }, fakes.pid, typeof portkey === 'string' ? null : portkey);
  const rows: Array<Omit<Target, 'request' | 'accept'> & LoadResult & { cpuMicrosPerRequest: number | null }> = [];
  for (const target of list) {
    try {
      await probe(target.request, target.accept, `${target.implementation} (${target.scenario})`);
    } catch (error) {
      // A peer that cannot serve a scenario is reported, not benchmarked; Gatehouse must serve all.
      if (target.role !== 'peer') throw error;
      notes.push(`${target.implementation} failed the correctness probe for "${target.scenario}", so it has no row there: ${(error as Error).message.slice(0, 200)} (its stderr: ${firstErrorLine()})`);
      continue;
    }
    await closedLoop(target.request, connections, 1);
    const before = treeCpuSeconds(target.pid);
    const result = await closedLoop(target.request, connections, seconds);
    const after = treeCpuSeconds(target.pid);
    const cpu = before !== null && after !== null && result.total > 0 ? ((after - before) * 1e6) / result.total : null;
    rows.push({ scenario: target.scenario, implementation: target.implementation, role: target.role, pid: target.pid, ...result, cpuMicrosPerRequest: cpu });
    process.stderr.write(`measured ${target.implementation}, ${target.scenario}: ${Math.round(result.rps)} req/s\n`);
  }
  const json = { node: process.version, connections, seconds, rows, notes };
  if (out) writeFileSync(out, `${JSON.stringify(json, null, 2)}\n`);
  else console.log(JSON.stringify(json, null, 2));
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const child of children) child.kill();
  });

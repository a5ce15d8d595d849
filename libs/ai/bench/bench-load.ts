import { Pool } from 'undici';
import { closedLoop } from '../../../bench/lib/load';

/** One kind of request the bench sends. */
export interface BenchRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

/** Closed-loop throughput (autocannon, keep-alive): requests per second and failures. */
export async function throughput(request: BenchRequest, connections: number, seconds: number): Promise<{ rps: number; total: number; failures: number }> {
  const result = await closedLoop({ url: request.url, method: 'POST', headers: { 'content-type': 'application/json', ...request.headers }, body: request.body }, connections, seconds);
  return { rps: result.rps, total: result.total, failures: result.failures };
}

/** Microsecond percentiles of an open-loop run. */
export interface LatencyResult {
  p50: number;
  p99: number;
  /** Median time to the first body byte. */
  ttfb50: number;
  failures: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;

/**
 * Open-loop load at a fixed rate: requests leave on schedule whether earlier ones finished or
 * not. Each is timed to its first body byte and to its end, in microseconds.
 */
export async function fixedRate(request: BenchRequest, rate: number, seconds: number): Promise<LatencyResult> {
  const target = new URL(request.url);
  const pool = new Pool(target.origin, { connections: 64, pipelining: 1, keepAliveTimeout: 30_000 });
  const totals: number[] = [];
  const firsts: number[] = [];
  let failures = 0;
  const count = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const started = performance.now();
  const pending: Array<Promise<void>> = [];
  const headers = { 'content-type': 'application/json', ...request.headers };
  for (let index = 0; index < count; index += 1) {
    const due = started + index * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const begin = performance.now();
    pending.push(
      pool
        .request({ path: `${target.pathname}${target.search}`, method: 'POST', headers, body: request.body })
        .then(async (response) => {
          let first = true;
          for await (const _chunk of response.body) {
            if (first) firsts.push((performance.now() - begin) * 1000);
            first = false;
          }
          totals.push((performance.now() - begin) * 1000);
          if (response.statusCode !== 200) failures += 1;
        })
        .catch(() => {
          failures += 1;
        }),
    );
  }
  await Promise.all(pending);
  await pool.close();
  totals.sort((a, b) => a - b);
  firsts.sort((a, b) => a - b);
  return { p50: percentile(totals, 50), p99: percentile(totals, 99), ttfb50: percentile(firsts, 50), failures };
}

/** One request at a time over one keep-alive connection: latency without queueing. */
export async function sequential(request: BenchRequest, count: number): Promise<LatencyResult> {
  const target = new URL(request.url);
  const pool = new Pool(target.origin, { connections: 1, pipelining: 1 });
  const headers = { 'content-type': 'application/json', ...request.headers };
  const totals: number[] = [];
  const firsts: number[] = [];
  let failures = 0;
  for (let index = 0; index < count; index += 1) {
    const begin = performance.now();
    const response = await pool.request({ path: `${target.pathname}${target.search}`, method: 'POST', headers, body: request.body });
    let first = true;
    for await (const _chunk of response.body) {
      if (first) firsts.push((performance.now() - begin) * 1000);
      first = false;
    }
    totals.push((performance.now() - begin) * 1000);
    if (response.statusCode !== 200) failures += 1;
  }
  await pool.close();
  totals.sort((a, b) => a - b);
  firsts.sort((a, b) => a - b);
  return { p50: percentile(totals, 50), p99: percentile(totals, 99), ttfb50: percentile(firsts, 50), failures };
}

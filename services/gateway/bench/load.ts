import { Pool } from 'undici';

export interface ThroughputResult {
  rps: number;
  total: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** Closed-loop throughput with autocannon: `connections` keep-alive connections for `seconds`. */
export function throughput(url: string, headers: Record<string, string>, connections: number, seconds: number): Promise<ThroughputResult> {
  // autocannon ships no types.
  const autocannon = require('autocannon') as (options: object, callback: (error: Error | null, result: AutocannonResult) => void) => void;
  return new Promise((resolve, reject) => {
    autocannon({ url, headers, connections, duration: seconds, pipelining: 1 }, (error, result) => {
      if (error) return reject(error);
      resolve({ rps: result.requests.average, total: result.requests.total, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors + result.timeouts });
    });
  });
}

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

export interface LatencyResult {
  sent: number;
  p50: number;
  p99: number;
  p999: number;
  failures: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;

/**
 * Open-loop latency at a fixed rate (requests are sent on schedule whether or not earlier ones
 * finished), timed with performance.now() to the microsecond.
 */
export async function fixedRate(url: string, headers: Record<string, string>, rate: number, seconds: number): Promise<LatencyResult> {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections: 64, pipelining: 1 });
  const latencies: number[] = [];
  let failures = 0;
  let sent = 0;
  const total = rate * seconds;
  const started = performance.now();
  const inFlight = new Set<Promise<void>>();
  const fire = () => {
    const begin = performance.now();
    const request = pool
      .request({ path: target.pathname, method: 'GET', headers })
      .then(async (response) => {
        await response.body.dump();
        if (response.statusCode !== 200) failures += 1;
        else latencies.push(performance.now() - begin);
      })
      .catch(() => {
        failures += 1;
      });
    inFlight.add(request);
    void request.finally(() => inFlight.delete(request));
  };
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
      while (sent < due) {
        sent += 1;
        fire();
      }
      if (sent >= total) return resolve();
      setTimeout(tick, 1);
    };
    tick();
  });
  await Promise.allSettled([...inFlight]);
  await pool.close();
  latencies.sort((left, right) => left - right);
  return { sent, p50: percentile(latencies, 50), p99: percentile(latencies, 99), p999: percentile(latencies, 99.9), failures };
}

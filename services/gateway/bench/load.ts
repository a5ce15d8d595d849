import { Pool } from 'undici';
import { closedLoop } from '../../../bench/lib/load';

export interface ThroughputResult {
  rps: number;
  total: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** Closed-loop throughput with autocannon: `connections` keep-alive connections for `seconds`. */
export async function throughput(url: string, headers: Record<string, string>, connections: number, seconds: number): Promise<ThroughputResult> {
  const result = await closedLoop({ url, headers }, connections, seconds);
  return { rps: result.rps, total: result.total, p50: result.p50Ms, p99: result.p99Ms, non2xx: result.non2xx, errors: result.errors };
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
 * Open-loop load on one URL over one keep-alive pool: each `run` sends requests on schedule at a
 * fixed rate whether or not earlier ones finished, timed with performance.now() to the
 * microsecond; `result` summarises every run so far. Several short runs of different URLs can
 * be interleaved so that each sees the same machine.
 */
export class OpenLoop {
  private readonly target: URL;
  private readonly pool: Pool;
  private latencies: number[] = [];
  private failures = 0;
  private sent = 0;

  constructor(
    url: string,
    private readonly headers: Record<string, string>,
  ) {
    this.target = new URL(url);
    this.pool = new Pool(this.target.origin, { connections: 64, pipelining: 1 });
  }

  async run(rate: number, seconds: number): Promise<void> {
    const total = Math.round(rate * seconds);
    const started = performance.now();
    const inFlight = new Set<Promise<void>>();
    let sent = 0;
    const fire = () => {
      const begin = performance.now();
      const request = this.pool
        .request({ path: this.target.pathname, method: 'GET', headers: this.headers })
        .then(async (response) => {
          await response.body.dump();
          if (response.statusCode !== 200) this.failures += 1;
          else this.latencies.push(performance.now() - begin);
        })
        .catch(() => {
          this.failures += 1;
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
    this.sent += sent;
  }

  /** Forgets what was measured so far (after a warm-up run). */
  reset(): void {
    this.latencies = [];
    this.failures = 0;
    this.sent = 0;
  }

  result(): LatencyResult {
    const sorted = [...this.latencies].sort((left, right) => left - right);
    return { sent: this.sent, p50: percentile(sorted, 50), p99: percentile(sorted, 99), p999: percentile(sorted, 99.9), failures: this.failures };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** One open-loop run at a fixed rate on a fresh pool. */
export async function fixedRate(url: string, headers: Record<string, string>, rate: number, seconds: number): Promise<LatencyResult> {
  const loop = new OpenLoop(url, headers);
  try {
    await loop.run(rate, seconds);
    return loop.result();
  } finally {
    await loop.close();
  }
}

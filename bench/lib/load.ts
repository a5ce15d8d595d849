import autocannon from 'autocannon';

export interface LoadRequest {
  readonly url: string;
  readonly method?: 'GET' | 'POST';
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export interface LoadResult {
  readonly rps: number;
  readonly total: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Answers that were not 2xx, plus `errors`. */
  readonly failures: number;
  readonly non2xx: number;
  /** Connection errors and timeouts. */
  readonly errors: number;
  readonly startedAt: number;
  readonly endedAt: number;
}

/** Closed-loop load with autocannon: `connections` keep-alive connections for `seconds`. */
export async function closedLoop(request: LoadRequest, connections: number, seconds: number): Promise<LoadResult> {
  const startedAt = Date.now();
  const result = await autocannon({
    url: request.url,
    method: request.method ?? 'GET',
    headers: request.headers ?? {},
    ...(request.body === undefined ? {} : { body: request.body }),
    connections,
    duration: seconds,
    pipelining: 1,
  });
  return {
    rps: result.requests.average,
    total: result.requests.total,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    startedAt,
    endedAt: Date.now(),
  };
}

/** One request, checked: the status must be 200 and the body must pass `accept`. */
export async function probe(request: LoadRequest, accept: (body: string) => boolean, what: string): Promise<void> {
  const response = await fetch(request.url, { method: request.method ?? 'GET', headers: request.headers ?? {}, ...(request.body === undefined ? {} : { body: request.body }) });
  const body = await response.text();
  if (response.status !== 200 || !accept(body)) throw new Error(`${what}: ${request.url} answered ${response.status}: ${body.slice(0, 300)}`);
}

import { Pool } from 'undici';
import type { Replica } from './chaos-platform';
import type { Lane } from './seed';
import type { TokenBook } from './token-book';

export interface Attempt {
  readonly replica: string;
  readonly status: number | null;
  /** The gateway's x-request-id: the id of the usage record it wrote for this answer. */
  readonly requestId: string | null;
  /** Error code of a request that got no answer. */
  readonly error: string | null;
  /** No answer, and the request may have reached the gateway (so a usage record may exist). */
  readonly ambiguous: boolean;
  /** The `error` code of a refusal's JSON body. */
  readonly code?: string;
  /** `error_description` of a refusal's WWW-Authenticate challenge. */
  readonly description?: string;
}

export interface RequestRecord {
  readonly phase: string;
  readonly at: number;
  readonly doneAt: number;
  readonly lane: string;
  readonly tokenIssuedAt: number;
  readonly tokenKid: string | undefined;
  readonly attempts: readonly Attempt[];
  readonly ok: boolean;
}

/** Refusals a load balancer would send to the other replica (POST included): the replica is going away or not ready. */
const RETRY_ON = new Set(['shutting_down', 'not_ready']);

/**
 * Steady traffic at a fixed rate, round-robin over the lanes and the two replicas, with the
 * one retry on the other replica a load balancer makes when a replica refuses the connection
 * (or, for a GET, drops it) or answers that it is shutting down. Every attempt is recorded
 * with its outcome and request id.
 */
export class Traffic {
  readonly records: RequestRecord[] = [];
  /** Requests not sent because too many were in flight (the client's own limit). */
  notSent = 0;
  /** Requests the client itself could not make (no token for the lane…): a fault of the harness. */
  clientErrors = 0;
  lastClientError: string | null = null;
  private readonly pools: Pool[];
  private timer: NodeJS.Timeout | undefined;
  private phase = '';
  private startedAt = 0;
  private scheduled = 0;
  private inFlight = new Set<Promise<void>>();
  private counter = 0;

  private readonly lanes: Lane[];

  constructor(
    private readonly replicas: readonly Replica[],
    lanes: readonly Lane[],
    private readonly tokens: TokenBook,
    private readonly ratePerSecond: number,
    private readonly maxInFlight = 200,
  ) {
    this.lanes = [...lanes];
    this.pools = replicas.map((replica) => new Pool(replica.url, { connections: 16, pipelining: 1, headersTimeout: 5_000, bodyTimeout: 5_000, connectTimeout: 2_000 }));
  }

  start(phase: string): void {
    this.phase = phase;
    this.startedAt = Date.now();
    this.scheduled = 0;
    this.timer = setInterval(() => this.tick(), 10);
  }

  /** Stops sending and waits for every request in flight. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.allSettled([...this.inFlight]);
  }

  async close(): Promise<void> {
    await this.stop();
    await Promise.allSettled(this.pools.map((pool) => pool.close()));
  }

  addLanes(lanes: readonly Lane[]): void {
    this.lanes.push(...lanes);
  }

  /** One request outside the steady traffic (phase `setup`), recorded like the others. */
  async probe(lane: Lane, replica = 0): Promise<Attempt> {
    const held = this.tokens.pick(lane);
    const at = Date.now();
    const attempt = await this.attempt(replica, lane, lane.path.replace('{n}', 'probe'), held.token);
    const ok = attempt.status !== null && attempt.status < 300;
    this.records.push({ phase: 'setup', at, doneAt: Date.now(), lane: lane.name, tokenIssuedAt: held.issuedAt, tokenKid: held.kid, attempts: [attempt], ok });
    return attempt;
  }

  of(phase: string): RequestRecord[] {
    return this.records.filter((record) => record.phase === phase);
  }

  private tick(): void {
    const due = Math.floor(((Date.now() - this.startedAt) / 1000) * this.ratePerSecond);
    while (this.scheduled < due) {
      this.scheduled += 1;
      if (this.inFlight.size >= this.maxInFlight) {
        this.notSent += 1;
        continue;
      }
      const request = this.send(this.counter++).catch((error: Error) => {
        this.clientErrors += 1;
        this.lastClientError = error.message;
      });
      this.inFlight.add(request);
      void request.finally(() => this.inFlight.delete(request));
    }
  }

  private async send(n: number): Promise<void> {
    const lane = this.lanes[n % this.lanes.length]!;
    const first = Math.floor(n / this.lanes.length) % this.replicas.length;
    const held = this.tokens.pick(lane);
    const at = Date.now();
    const attempts: Attempt[] = [];
    const path = lane.path.replace('{n}', String(n));
    const one = await this.attempt(first, lane, path, held.token);
    attempts.push(one);
    if (this.retryable(one, lane)) attempts.push(await this.attempt((first + 1) % this.replicas.length, lane, path, held.token));
    const last = attempts.at(-1)!;
    const ok = last.status !== null && last.status >= 200 && last.status < 300;
    this.records.push({ phase: this.phase, at, doneAt: Date.now(), lane: lane.name, tokenIssuedAt: held.issuedAt, tokenKid: held.kid, attempts, ok });
  }

  private retryable(attempt: Attempt, lane: Lane): boolean {
    // A POST that may have reached the gateway is not sent twice; a refused connection never did.
    if (attempt.status === null) return lane.method === 'GET' || !attempt.ambiguous;
    return attempt.status === 503 && attempt.code !== undefined && RETRY_ON.has(attempt.code);
  }

  private async attempt(index: number, lane: Lane, path: string, token: string): Promise<Attempt> {
    const replica = this.replicas[index]!.name;
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...(lane.body === undefined ? {} : { 'content-type': 'application/json' }) };
    try {
      const response = await this.pools[index]!.request({ path, method: lane.method, headers, ...(lane.body === undefined ? {} : { body: lane.body }) });
      const text = await response.body.text();
      const header = response.headers['x-request-id'];
      const requestId = typeof header === 'string' ? header : null;
      let code: string | undefined;
      if (response.statusCode >= 400) {
        try {
          code = (JSON.parse(text) as { error?: string }).error;
        } catch {
          code = undefined;
        }
      }
      const challenge = response.headers['www-authenticate'];
      const description = typeof challenge === 'string' ? /error_description="([^"]*)"/.exec(challenge)?.[1] : undefined;
      return { replica, status: response.statusCode, requestId, error: null, ambiguous: false, ...(code ? { code } : {}), ...(description ? { description } : {}) };
    } catch (error) {
      const code = (error as { code?: string }).code ?? (error as Error).name;
      // A refused connection never reached the gateway; anything else might have.
      return { replica, status: null, requestId: null, error: code, ambiguous: code !== 'ECONNREFUSED' };
    }
  }
}

import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { ProviderType } from '../config/ai-config';
import { FixtureSet, fixturesRoot } from './fake-fixtures';

/** A request a fake provider received, recorded for assertions. */
export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: any;
}

/** What a fake answers: JSON, or SSE events written one by one. */
export type FakeAnswer = { status: number; json: unknown; headers?: Record<string, string> } | { status: 200; events: string[] };

/** How a provider validates and answers, from its documented behaviour and recorded fixtures. */
export interface FakeSpec {
  type: ProviderType;
  /** What the provider's base URL adds to the origin (`/v1`, `/v1beta`, ''). */
  basePath: string;
  answer(request: FakeRequest, fixtures: FixtureSet, options: FakeProviderOptions): FakeAnswer;
  /** The provider's error body for an injected failure. */
  errorBody(status: number, fixtures: FixtureSet): unknown;
}

/** Knobs, changeable between requests. */
export interface FakeBehavior {
  /** Answer the next `times` requests (all when absent) with this status and the provider's error body. */
  fail?: { status: number; times?: number };
  /** Wait before answering at all (to trigger timeouts). */
  delayMs?: number;
  /** Wait between two stream events. */
  streamDelayMs?: number;
  /** Destroy the connection after writing this many stream events. */
  breakStreamAfter?: number;
  /** Answer with this JSON fixture instead of the usual one (`chat-max-tokens`). */
  fixture?: string;
  /** Stream this SSE fixture instead of the usual one (`stream-overloaded`). */
  streamFixture?: string;
}

/** Options of a fake provider. */
export interface FakeProviderOptions {
  /** The credential it accepts. */
  apiKey?: string;
}

/** A running fake provider. */
export interface FakeProvider {
  readonly type: ProviderType;
  /** `http://127.0.0.1:port`. */
  readonly origin: string;
  /** What to configure as the provider's `baseUrl`. */
  readonly baseUrl: string;
  readonly apiKey: string;
  /** Every request received, in order. */
  readonly requests: FakeRequest[];
  behavior: FakeBehavior;
  /** Streams written to their end. */
  readonly streamsCompleted: number;
  /** Clears recorded requests, counters and knobs. */
  reset(): void;
  close(): Promise<void>;
}

function sleep(ms: number, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0) return resolve();
    const timer = setTimeout(resolve, ms);
    res.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

class RunningFake implements FakeProvider {
  readonly requests: FakeRequest[] = [];
  behavior: FakeBehavior = {};
  streamsCompleted = 0;
  private failures = 0;
  origin = '';

  constructor(
    private readonly spec: FakeSpec,
    private readonly fixtures: FixtureSet,
    private readonly options: Required<FakeProviderOptions>,
    private readonly server: Server,
  ) {}

  get type(): ProviderType {
    return this.spec.type;
  }

  get baseUrl(): string {
    return `${this.origin}${this.spec.basePath}`;
  }

  get apiKey(): string {
    return this.options.apiKey;
  }

  reset(): void {
    this.requests.length = 0;
    this.behavior = {};
    this.streamsCompleted = 0;
    this.failures = 0;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const text = await readBody(req);
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // recorded as text; the spec refuses it
    }
    const request: FakeRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body };
    this.requests.push(request);
    const { fail, delayMs } = this.behavior;
    if (delayMs) await sleep(delayMs, res);
    if (res.destroyed) return;
    if (fail && (fail.times === undefined || this.failures < fail.times)) {
      this.failures += 1;
      return this.json(res, fail.status, this.spec.errorBody(fail.status, this.fixtures));
    }
    const answer = this.spec.answer(request, this.withOverrides(), this.options);
    if ('json' in answer) return this.json(res, answer.status, answer.json, answer.headers);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    for (let index = 0; index < answer.events.length; index += 1) {
      if (res.destroyed) return;
      res.write(answer.events[index]);
      if (this.behavior.breakStreamAfter !== undefined && index + 1 >= this.behavior.breakStreamAfter) {
        res.destroy();
        return;
      }
      if (this.behavior.streamDelayMs && index + 1 < answer.events.length) await sleep(this.behavior.streamDelayMs, res);
    }
    this.streamsCompleted += 1;
    res.end();
  }

  /** Fixture names redirected by the `fixture` / `streamFixture` knobs. */
  private withOverrides(): FixtureSet {
    const { fixture, streamFixture } = this.behavior;
    if (!fixture && !streamFixture) return this.fixtures;
    const base = this.fixtures;
    return Object.assign(Object.create(base) as FixtureSet, {
      json: (name: string) => base.json(fixture && !name.startsWith('error') && !name.startsWith('embeddings') ? fixture : name),
      events: (name: string) => base.events(streamFixture ?? name),
    });
  }

  private json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Starts a fake provider from its spec on a loopback port. */
export async function startFake(spec: FakeSpec, options: FakeProviderOptions = {}): Promise<FakeProvider> {
  const fixtures = new FixtureSet(join(fixturesRoot(), spec.type));
  const server = createServer();
  const fake = new RunningFake(spec, fixtures, { apiKey: options.apiKey ?? `test-key-${spec.type}` }, server);
  server.on('request', (req, res) => {
    fake.handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

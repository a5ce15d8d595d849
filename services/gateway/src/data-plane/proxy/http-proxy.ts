import type { Dispatcher } from 'undici';
import { clientResponseHeaders, upstreamRequestHeaders } from '../http/header-hygiene';
import { type Rejection, rejections } from '../http/rejections';
import type { DataPlaneMetrics } from '../metrics/data-plane-metrics';
import { upstreamPath } from '../routing/compiled-route';
import type { Exchange } from '../server/exchange';
import type { Balancer } from '../upstream/balancer';
import type { RouteTarget } from '../upstream/upstream-registry';

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const RETRYABLE_STATUS = new Set([502, 503, 504]);

export class TotalTimeoutError extends Error {
  readonly code = 'GATEHOUSE_TOTAL_TIMEOUT';
}
export class ClientGoneError extends Error {
  readonly code = 'GATEHOUSE_CLIENT_GONE';
}
const totalTimeout = new TotalTimeoutError('total timeout');
const clientGone = new ClientGoneError('client went away');

export interface HttpProxyDeps {
  readonly metrics: DataPlaneMetrics;
  /** Answers the client with a rejection (nothing was sent yet). */
  readonly reject: (exchange: Exchange, rejection: Rejection) => void;
  readonly clientIp: (exchange: Exchange) => string;
}

function failureKind(error: Error & { code?: string }): { kind: string; rejection: Rejection } {
  switch (error.code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return { kind: 'connect_timeout', rejection: rejections.connectTimeout };
    case 'UND_ERR_HEADERS_TIMEOUT':
      return { kind: 'first_byte_timeout', rejection: rejections.firstByteTimeout };
    case 'UND_ERR_BODY_TIMEOUT':
    case 'GATEHOUSE_TOTAL_TIMEOUT':
      return { kind: 'total_timeout', rejection: rejections.totalTimeout };
    default:
      return { kind: error.code === 'ECONNREFUSED' ? 'connect_refused' : 'network', rejection: rejections.badGateway };
  }
}

/**
 * Streams a request to an upstream target through its keep-alive pool and the response back,
 * chunk by chunk with backpressure (SSE included). Picks targets with the route's balancer and
 * circuit breakers, retries idempotent body-less requests with exponential backoff while
 * nothing has been sent to the client, and enforces connect, first-byte and total timeouts.
 */
export class HttpProxy {
  constructor(private readonly deps: HttpProxyDeps) {}

  forward(exchange: Exchange): void {
    const route = exchange.route!;
    exchange.totalTimer = setTimeout(onTotalTimeout, route.timeouts.totalMs, this, exchange);
    this.attempt(exchange);
  }

  /** The client closed the connection before the answer was complete. */
  clientClosed(exchange: Exchange): void {
    exchange.clientGone = true;
    this.clearTimers(exchange);
    exchange.controller?.abort(clientGone);
  }

  attempt(exchange: Exchange): void {
    exchange.retryTimer = null;
    exchange.controller = null;
    if (exchange.clientGone || exchange.answered) return;
    const route = exchange.route!;
    const now = Date.now();
    const target = pickTarget(route.balancer, route.targets.length, exchange.target, now);
    if (target === null) return this.fail(exchange, rejections.upstreamUnavailable);
    exchange.target = target;
    exchange.attempts += 1;
    target.upstream.outstanding += 1;
    if (exchange.upstreamStartedAt === 0) exchange.upstreamStartedAt = performance.now();
    const headers = upstreamRequestHeaders(exchange.req.rawHeaders, {
      requestId: exchange.requestId,
      clientIp: this.deps.clientIp(exchange),
      proto: 'http',
      originalHost: exchange.req.headers.host ?? '',
      upstreamHost: target.upstream.host,
      routeId: route.id,
      identity: exchange,
      stripCredentials: !route.isPublic,
      upgrade: false,
    });
    target.pool.dispatch(
      {
        path: upstreamPath(route, target, exchange.encodedPath, exchange.query),
        method: exchange.method as Dispatcher.HttpMethod,
        headers,
        body: exchange.hasBody ? exchange.body : null,
        headersTimeout: route.timeouts.firstByteMs,
        bodyTimeout: route.timeouts.totalMs,
      },
      new AttemptHandler(this, exchange, target),
    );
  }

  canRetry(exchange: Exchange): boolean {
    return (
      !exchange.responseStarted &&
      !exchange.hasBody &&
      !exchange.timedOut &&
      !exchange.clientGone &&
      exchange.attempts <= exchange.route!.retries.attempts &&
      IDEMPOTENT.has(exchange.method)
    );
  }

  retry(exchange: Exchange): void {
    const retries = exchange.route!.retries;
    const delay = retries.backoffMs * 2 ** (exchange.attempts - 1) * (0.5 + Math.random() / 2);
    this.deps.metrics.retries.labels(exchange.route!.id).inc();
    exchange.retryTimer = setTimeout(retryAttempt, delay, this, exchange);
  }

  timedOut(exchange: Exchange): void {
    exchange.totalTimer = null;
    exchange.timedOut = true;
    if (exchange.retryTimer !== null) {
      clearTimeout(exchange.retryTimer);
      exchange.retryTimer = null;
      return this.fail(exchange, rejections.totalTimeout);
    }
    if (exchange.controller !== null) return exchange.controller.abort(totalTimeout);
    // Still queued for a pool connection: answer now; the attempt aborts itself when it starts.
    this.fail(exchange, rejections.totalTimeout);
  }

  fail(exchange: Exchange, rejection: Rejection): void {
    this.clearTimers(exchange);
    if (exchange.clientGone || exchange.answered) return;
    if (exchange.responseStarted) {
      // Too late for an error answer: cut the response so the client sees it incomplete.
      exchange.answered = true;
      exchange.status = 502;
      exchange.rejection = rejection.code;
      exchange.res!.destroy();
      return;
    }
    this.deps.reject(exchange, rejection);
  }

  complete(exchange: Exchange): void {
    this.clearTimers(exchange);
    if (exchange.answered) return;
    exchange.answered = true;
    exchange.res!.end();
  }

  failure(origin: string, kind: string): void {
    this.deps.metrics.upstreamFailures.labels(origin, kind).inc();
  }

  private clearTimers(exchange: Exchange): void {
    if (exchange.totalTimer !== null) clearTimeout(exchange.totalTimer);
    if (exchange.retryTimer !== null) clearTimeout(exchange.retryTimer);
    exchange.totalTimer = null;
    exchange.retryTimer = null;
  }
}

function onTotalTimeout(proxy: HttpProxy, exchange: Exchange): void {
  proxy.timedOut(exchange);
}

function retryAttempt(proxy: HttpProxy, exchange: Exchange): void {
  proxy.attempt(exchange);
}

function pickTarget(balancer: Balancer<RouteTarget>, count: number, previous: RouteTarget | null, now: number): RouteTarget | null {
  let exclude = previous;
  for (let tries = 0; tries <= count; tries += 1) {
    const target = balancer.pick(now, exclude);
    if (target === null) return null;
    if (target.upstream.breaker.tryAcquire(now)) return target;
    exclude = target;
  }
  return null;
}

/** One attempt's undici handler; a retried request gets a fresh one, so late callbacks of an abandoned attempt cannot interfere. */
class AttemptHandler implements Dispatcher.DispatchHandler {
  private settled = false;
  private discard = false;
  private status = 0;

  constructor(
    private readonly proxy: HttpProxy,
    private readonly exchange: Exchange,
    private readonly target: RouteTarget,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController): void {
    const exchange = this.exchange;
    exchange.controller = controller;
    if (exchange.clientGone) controller.abort(clientGone);
    else if (exchange.timedOut || exchange.answered) controller.abort(totalTimeout);
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    if (statusCode < 200) return;
    const exchange = this.exchange;
    this.status = statusCode;
    if (exchange.answered) {
      controller.abort(totalTimeout);
      return;
    }
    if (RETRYABLE_STATUS.has(statusCode) && this.proxy.canRetry(exchange)) {
      this.discard = true;
      return;
    }
    exchange.responseStarted = true;
    const res = exchange.res!;
    const contentType = headers['content-type'];
    const streaming = typeof contentType === 'string' && contentType.startsWith('text/event-stream');
    if (streaming && exchange.totalTimer !== null) {
      // Event streams stay open by design: only the idle (body) timeout applies to them.
      clearTimeout(exchange.totalTimer);
      exchange.totalTimer = null;
    }
    res.writeHead(statusCode, clientResponseHeaders(headers, exchange.responseHeaders));
    if (streaming) res.flushHeaders();
    exchange.resumeUpstream = () => exchange.controller?.resume();
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.discard || !this.exchange.responseStarted) return;
    const exchange = this.exchange;
    exchange.bytesOut += chunk.length;
    if (!exchange.res!.write(chunk)) {
      controller.pause();
      exchange.res!.once('drain', exchange.resumeUpstream!);
    }
  }

  onResponseEnd(): void {
    const exchange = this.exchange;
    const failed = RETRYABLE_STATUS.has(this.status);
    this.settle(failed ? 'status' : null);
    if (this.discard) return this.proxy.retry(exchange);
    this.proxy.complete(exchange);
  }

  onResponseError(controller: Dispatcher.DispatchController, error: Error & { code?: string }): void {
    const exchange = this.exchange;
    if (error === clientGone || exchange.clientGone) {
      this.settle(undefined);
      return;
    }
    if (exchange.bodyTooLarge) {
      this.settle(undefined);
      return this.proxy.fail(exchange, rejections.payloadTooLarge);
    }
    const { kind, rejection } = failureKind(exchange.timedOut ? totalTimeout : error);
    this.settle(kind);
    if (!exchange.responseStarted && !this.discard && this.proxy.canRetry(exchange)) return this.proxy.retry(exchange);
    if (this.discard && this.proxy.canRetry(exchange)) return this.proxy.retry(exchange);
    this.proxy.fail(exchange, rejection);
  }

  /** Ends the attempt once: failure kind, null for success, undefined for "tells nothing". */
  private settle(failure: string | null | undefined): void {
    if (this.settled) return;
    this.settled = true;
    const exchange = this.exchange;
    const upstream = this.target.upstream;
    upstream.outstanding -= 1;
    exchange.upstreamMs = performance.now() - exchange.upstreamStartedAt;
    if (failure === undefined) upstream.breaker.onRelease();
    else if (failure === null) upstream.breaker.onSuccess();
    else {
      upstream.breaker.onFailure(Date.now());
      this.proxy.failure(upstream.origin, failure);
    }
  }
}

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { type Rejection, rejectionBody, rejections } from '../http/rejections';
import { writeRawRejection } from '../http/raw-response';
import { clientIpOf, clientRequestId } from '../http/request-meta';
import type { DataPlaneMetrics } from '../metrics/data-plane-metrics';
import { BodyLimit } from '../proxy/body-limit';
import { HttpProxy } from '../proxy/http-proxy';
import { refuse, tunnelWebSocket } from '../proxy/websocket-tunnel';
import type { UsageShipper } from '../usage/usage-shipper';
import { usageRecordOf } from '../usage/usage-record';
import { type AdmissionDeps, admit } from './admission';
import { type AiRouteHandler, aiUsageOf } from './ai-route';
import { Exchange } from './exchange';

export interface DataPlaneServerOptions extends AdmissionDeps {
  readonly metrics: DataPlaneMetrics;
  readonly usage: UsageShipper;
  readonly gatewayId: string;
  /** False until the state topics are caught up: requests get 503 not_ready. */
  readonly isReady: () => boolean;
  readonly maxHeaderBytes: number;
  readonly keepAliveTimeoutMs: number;
  /** Longest time to receive a whole request (headers and body). */
  readonly requestTimeoutMs: number;
  /** Serves `ai` and `prompt` routes; without it they answer 501. */
  readonly aiHandler?: AiRouteHandler;
}

const clientIp = (exchange: Exchange) => clientIpOf(exchange.req);
const JSON_TYPE = 'application/json';

/**
 * The data plane's HTTP server: plain node:http, one Exchange per request, the admission
 * steps, then the streaming proxy or the WebSocket tunnel; every answer (refusals and parse
 * errors included) ends in one usage record and one metrics observation.
 */
export class DataPlaneServer {
  readonly server: Server;
  private readonly proxy: HttpProxy;
  private inFlight = 0;
  private closing = false;
  private drained: (() => void) | null = null;
  private readonly tunnels = new Set<Duplex>();

  constructor(private readonly options: DataPlaneServerOptions) {
    options.metrics.inFlightSource = () => this.inFlight;
    this.proxy = new HttpProxy({ metrics: options.metrics, reject: (exchange, rejection) => this.reject(exchange, rejection), clientIp });
    this.server = createServer({
      maxHeaderSize: options.maxHeaderBytes,
      keepAliveTimeout: options.keepAliveTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      headersTimeout: Math.min(60_000, options.requestTimeoutMs),
      noDelay: true,
      requireHostHeader: true,
    });
    this.server.on('request', (req: IncomingMessage, res: ServerResponse) => this.handle(req, res));
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
    this.server.on('clientError', (error: Error & { code?: string }, socket: Duplex) => this.clientError(error, socket));
  }

  async listen(port: number, host: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return (this.server.address() as AddressInfo).port;
  }

  get port(): number {
    return (this.server.address() as AddressInfo | null)?.port ?? 0;
  }

  get requestsInFlight(): number {
    return this.inFlight;
  }

  /** Stops accepting, lets requests in flight finish until the deadline, then closes what is left. */
  async close(deadlineMs: number): Promise<void> {
    this.closing = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    if (this.inFlight > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => {
          this.drained = resolve;
        }),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, deadlineMs);
        }),
      ]);
      clearTimeout(timer);
    }
    this.server.closeAllConnections();
    for (const tunnel of this.tunnels) tunnel.destroy();
    await closed;
  }

  private newExchange(req: IncomingMessage, res: ServerResponse | null): Exchange {
    const recordId = randomUUID();
    const requestId = clientRequestId(req.headers['x-request-id']) ?? recordId;
    this.inFlight += 1;
    return new Exchange(req, res, requestId, recordId, Date.now(), performance.now());
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const exchange = this.newExchange(req, res);
    // 'close' fires once per response: `on` spares the once-wrapper.
    res.on('close', () => this.closed(exchange));
    if (this.closing) res.shouldKeepAlive = false;
    const refusal = this.closing ? rejections.shuttingDown : !this.options.isReady() ? rejections.notReady : (admit(exchange, this.options) ?? this.prepareBody(exchange));
    if (refusal !== null) return this.reject(exchange, refusal);
    if (exchange.route!.kind === 'http') return this.proxy.forward(exchange);
    if (this.options.aiHandler === undefined) return this.reject(exchange, rejections.unsupportedKind);
    this.serveAi(exchange, this.options.aiHandler);
  }

  private serveAi(exchange: Exchange, handler: AiRouteHandler): void {
    const res = exchange.res!;
    const headers = exchange.responseHeaders;
    for (let index = 0; index < headers.length; index += 2) res.setHeader(headers[index]!, headers[index + 1]!);
    const route = exchange.route!;
    const started = performance.now();
    exchange.answered = true;
    exchange.aiDone = handler(exchange.req, res, route.aiContext).then(
      (usage) => {
        exchange.ai = aiUsageOf(usage);
        exchange.upstreamMs = performance.now() - started;
      },
      () => {
        if (!res.headersSent) {
          exchange.answered = false;
          this.reject(exchange, rejections.badGateway);
        } else res.destroy();
      },
    );
  }

  private prepareBody(exchange: Exchange): Rejection | null {
    const req = exchange.req;
    const declared = req.headers['content-length'];
    const limit = exchange.route!.maxBodyBytes;
    if (declared !== undefined) {
      const length = Number(declared);
      if (length > limit) return rejections.payloadTooLarge;
      if (length > 0) {
        exchange.hasBody = true;
        exchange.bytesIn = length;
        exchange.body = req;
      }
    } else if (req.headers['transfer-encoding'] !== undefined) {
      exchange.hasBody = true;
      exchange.body = req.pipe(new BodyLimit(exchange, limit));
    }
    return null;
  }

  private reject(exchange: Exchange, rejection: Rejection): void {
    exchange.status = rejection.status;
    exchange.rejection = rejection.code;
    exchange.answered = true;
    const res = exchange.res!;
    const body = rejectionBody(rejection, exchange.requestId);
    const headers = ['content-type', JSON_TYPE, 'content-length', String(Buffer.byteLength(body)), 'cache-control', 'no-store'];
    for (const header of exchange.responseHeaders) headers.push(header);
    if (rejection.headers !== null) for (const header of rejection.headers) headers.push(header);
    res.writeHead(rejection.status, headers);
    res.end(body);
  }

  private closed(exchange: Exchange): void {
    const res = exchange.res!;
    if (exchange.rejection === null) {
      if (res.writableFinished) exchange.status = res.statusCode;
      else {
        // nginx's convention: 499, the client closed the connection before the answer was complete.
        this.proxy.clientClosed(exchange);
        exchange.status = 499;
      }
    } else if (!res.writableFinished) this.proxy.clientClosed(exchange);
    if (exchange.aiDone !== null) void exchange.aiDone.finally(() => this.done(exchange));
    else this.done(exchange);
  }

  private done(exchange: Exchange): void {
    if (exchange.finished) return;
    exchange.finished = true;
    const totalMs = performance.now() - exchange.startedAt;
    this.options.metrics.observe(exchange.route?.id ?? null, exchange.status, totalMs, exchange.upstreamMs);
    this.options.usage.add(usageRecordOf(exchange, this.options.gatewayId, totalMs));
    exchange.release();
    this.inFlight -= 1;
    if (this.inFlight === 0 && this.drained !== null) this.drained();
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const exchange = this.newExchange(req, null);
    const deps = { clientIp, done: (finished: Exchange) => this.done(finished) };
    const isWebSocket = (req.headers.upgrade ?? '').toLowerCase() === 'websocket';
    let refusal = this.closing ? rejections.shuttingDown : !this.options.isReady() ? rejections.notReady : !isWebSocket ? rejections.upgradeNotAllowed : admit(exchange, this.options);
    if (refusal === null && exchange.route!.kind !== 'http') refusal = rejections.unsupportedKind;
    if (refusal !== null) return refuse(exchange, socket, refusal, deps);
    this.tunnels.add(socket);
    socket.once('close', () => this.tunnels.delete(socket));
    tunnelWebSocket(exchange, socket, head, deps);
  }

  private clientError(error: Error & { code?: string }, socket: Duplex): void {
    if (error.code === 'ECONNRESET' || !socket.writable || (socket as Socket & { _httpMessage?: unknown })._httpMessage) {
      socket.destroy();
      return;
    }
    const rejection =
      error.code === 'HPE_HEADER_OVERFLOW' ? rejections.headersTooLarge : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' || error.code === 'HPE_HEADERS_TIMEOUT' ? rejections.requestTimeout : rejections.badRequest;
    const recordId = randomUUID();
    writeRawRejection(socket, rejection, recordId);
    this.options.metrics.observe(null, rejection.status, 0, null);
    this.options.usage.add({
      recordId,
      at: new Date().toISOString(),
      gatewayId: this.options.gatewayId,
      tenantId: 'unknown',
      applicationId: null,
      apiId: null,
      routeId: null,
      planId: null,
      subscriptionId: null,
      method: 'UNKNOWN',
      status: rejection.status,
      rejection: rejection.code,
      latencyMs: 0,
      upstreamLatencyMs: null,
      bytesIn: 0,
      bytesOut: 0,
      ai: null,
    });
  }
}

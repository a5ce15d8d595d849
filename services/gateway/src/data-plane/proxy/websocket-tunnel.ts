import { type ClientRequest, type IncomingMessage, request as httpRequest, STATUS_CODES } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { clientResponseHeaders, upstreamRequestHeaders } from '../http/header-hygiene';
import { type Rejection, rejections } from '../http/rejections';
import { writeRawRejection } from '../http/raw-response';
import { upstreamPath } from '../routing/compiled-route';
import type { Exchange } from '../server/exchange';
import type { RouteTarget } from '../upstream/upstream-registry';

export interface TunnelDeps {
  readonly clientIp: (exchange: Exchange) => string;
  /** Called once when both sides are closed (or the tunnel failed). */
  readonly done: (exchange: Exchange) => void;
}

function responseHead(response: IncomingMessage, headers: readonly string[]): string {
  let head = `HTTP/1.1 ${response.statusCode} ${response.statusMessage || STATUS_CODES[response.statusCode!] || ''}\r\n`;
  for (let index = 0; index < headers.length; index += 2) head += `${headers[index]}: ${headers[index + 1]}\r\n`;
  return `${head}\r\n`;
}

/**
 * Passes a WebSocket upgrade through: sends the request head to a target with the gateway's
 * header hygiene and waits for the answer. Only a `101 Switching Protocols` turns the two
 * connections into a byte tunnel; until then nothing the client sends after its head reaches
 * the upstream. Any other answer is relayed to the client and both connections are closed,
 * so an upstream that ignores the upgrade can never be sent requests the gateway did not
 * admit (WebSocket request smuggling).
 */
export function tunnelWebSocket(exchange: Exchange, client: Duplex, head: Buffer, deps: TunnelDeps): void {
  const route = exchange.route!;
  const now = Date.now();
  let target: RouteTarget | null = route.balancer.pick(now, null);
  if (target !== null && !target.upstream.breaker.tryAcquire(now)) target = null;
  if (target === null) return refuse(exchange, client, rejections.upstreamUnavailable, deps);
  const origin = target.upstream;
  exchange.target = target;
  exchange.upstreamStartedAt = performance.now();
  origin.outstanding += 1;
  let settled = false;
  const settle = (failure: boolean | null) => {
    if (settled) return;
    settled = true;
    origin.outstanding -= 1;
    if (failure === null) origin.breaker.onRelease();
    else if (failure) origin.breaker.onFailure(Date.now());
    else origin.breaker.onSuccess();
  };
  const headers = upstreamRequestHeaders(exchange.req.rawHeaders, {
    requestId: exchange.requestId,
    clientIp: deps.clientIp(exchange),
    proto: 'http',
    originalHost: exchange.req.headers.host ?? '',
    upstreamHost: origin.host,
    routeId: route.id,
    identity: exchange,
    stripCredentials: !route.isPublic,
    upgrade: true,
  });
  const options = {
    host: origin.hostname,
    port: origin.port,
    method: exchange.method,
    path: upstreamPath(route, target, exchange.encodedPath, exchange.query),
    headers,
    setHost: false,
    agent: false as const,
    ...(origin.secure ? { servername: origin.hostname } : {}),
  };
  const upstream: ClientRequest = origin.secure ? httpsRequest(options) : httpRequest(options);
  let answered = false;
  let closed = false;
  let tunnel: Socket | null = null;
  const fail = (code: string) => upstream.destroy(Object.assign(new Error(code), { code }));
  let timer = setTimeout(fail, route.timeouts.connectMs, 'UND_ERR_CONNECT_TIMEOUT');
  upstream.once('socket', (socket: Socket) =>
    socket.once(origin.secure ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      if (!answered && !closed) timer = setTimeout(fail, route.timeouts.firstByteMs, 'UND_ERR_HEADERS_TIMEOUT');
    }),
  );
  const finish = () => {
    if (closed) return;
    closed = true;
    clearTimeout(timer);
    exchange.upstreamMs = performance.now() - exchange.upstreamStartedAt;
    client.destroy();
    upstream.destroy();
    tunnel?.destroy();
    deps.done(exchange);
  };

  upstream.once('upgrade', (response: IncomingMessage, socket: Socket, upstreamHead: Buffer) => {
    answered = true;
    clearTimeout(timer);
    tunnel = socket;
    exchange.status = response.statusCode ?? 101;
    settle(false);
    if (closed) return void socket.destroy();
    const answer = Buffer.from(responseHead(response, response.rawHeaders), 'latin1');
    exchange.bytesOut += answer.length + upstreamHead.length;
    client.write(answer);
    if (upstreamHead.length > 0) client.write(upstreamHead);
    if (head.length > 0) {
      exchange.bytesIn += head.length;
      socket.write(head);
    }
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      exchange.bytesOut += chunk.length;
    });
    client.on('data', (chunk: Buffer) => {
      exchange.bytesIn += chunk.length;
    });
    socket.on('error', finish);
    socket.on('close', finish);
    socket.pipe(client);
    client.pipe(socket);
  });

  // The upstream did not switch protocols: relay its answer, then close both sides.
  upstream.once('response', (response: IncomingMessage) => {
    answered = true;
    clearTimeout(timer);
    exchange.status = response.statusCode ?? 502;
    settle(exchange.status >= 500);
    const headers = clientResponseHeaders(response.headers, [...exchange.responseHeaders, 'x-request-id', exchange.requestId, 'connection', 'close']);
    const answer = Buffer.from(responseHead(response, headers), 'latin1');
    exchange.bytesOut += answer.length;
    client.write(answer);
    response.on('data', (chunk: Buffer) => {
      exchange.bytesOut += chunk.length;
    });
    response.on('error', finish);
    response.on('end', () => {
      if (!closed) client.end(finish);
    });
    response.pipe(client, { end: false });
  });

  upstream.on('error', (error: Error & { code?: string }) => {
    if (answered || closed) return finish();
    settle(true);
    clearTimeout(timer);
    closed = true;
    const rejection = error.code === 'UND_ERR_CONNECT_TIMEOUT' ? rejections.connectTimeout : error.code === 'UND_ERR_HEADERS_TIMEOUT' ? rejections.firstByteTimeout : rejections.badGateway;
    refuse(exchange, client, rejection, deps);
  });
  client.on('error', () => {
    settle(null);
    finish();
  });
  client.on('close', () => {
    settle(null);
    finish();
  });
  upstream.end();
}

export function refuse(exchange: Exchange, client: Duplex, rejection: Rejection, deps: Pick<TunnelDeps, 'done'>): void {
  exchange.status = rejection.status;
  exchange.rejection = rejection.code;
  writeRawRejection(client, rejection, exchange.requestId, exchange.responseHeaders);
  deps.done(exchange);
}

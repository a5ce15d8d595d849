import { connect as netConnect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { upstreamRequestHeaders } from '../http/header-hygiene';
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

/**
 * Passes a WebSocket upgrade through: opens a TCP (or TLS) connection to a target, replays the
 * request head with the gateway's header hygiene, then pipes bytes both ways untouched. The
 * upstream's own `101 Switching Protocols` (or refusal) reaches the client as it is.
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
  const options = { host: origin.hostname, port: origin.port, noDelay: true };
  const upstream: Socket = origin.secure ? tlsConnect({ ...options, servername: origin.hostname }) : netConnect(options);
  const connectTimer = setTimeout(() => upstream.destroy(Object.assign(new Error('connect timeout'), { code: 'UND_ERR_CONNECT_TIMEOUT' })), route.timeouts.connectMs);
  let connected = false;
  let closed = false;
  const finish = () => {
    if (closed) return;
    closed = true;
    clearTimeout(connectTimer);
    exchange.upstreamMs = performance.now() - exchange.upstreamStartedAt;
    client.destroy();
    upstream.destroy();
    deps.done(exchange);
  };

  upstream.once(origin.secure ? 'secureConnect' : 'connect', () => {
    connected = true;
    clearTimeout(connectTimer);
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
    let requestHead = `${exchange.method} ${upstreamPath(route, target!, exchange.encodedPath, exchange.query)} HTTP/1.1\r\n`;
    for (let index = 0; index < headers.length; index += 2) requestHead += `${headers[index]}: ${headers[index + 1]}\r\n`;
    upstream.write(`${requestHead}\r\n`);
    if (head.length > 0) {
      exchange.bytesIn += head.length;
      upstream.write(head);
    }
    upstream.once('data', (chunk: Buffer) => {
      const status = Number(chunk.subarray(9, 12).toString('latin1'));
      exchange.status = Number.isInteger(status) && status >= 100 && status <= 599 ? status : 502;
      settle(exchange.status >= 500);
    });
    upstream.on('data', (chunk: Buffer) => {
      exchange.bytesOut += chunk.length;
    });
    client.on('data', (chunk: Buffer) => {
      exchange.bytesIn += chunk.length;
    });
    upstream.pipe(client);
    client.pipe(upstream);
  });
  upstream.on('error', (error: Error & { code?: string }) => {
    if (!connected) {
      settle(true);
      clearTimeout(connectTimer);
      closed = true;
      return refuse(exchange, client, error.code === 'UND_ERR_CONNECT_TIMEOUT' ? rejections.connectTimeout : rejections.badGateway, deps);
    }
    settle(true);
    finish();
  });
  upstream.on('close', () => {
    if (!connected) return;
    settle(false);
    finish();
  });
  client.on('error', () => {
    settle(null);
    finish();
  });
  client.on('close', () => {
    settle(null);
    finish();
  });
}

export function refuse(exchange: Exchange, client: Duplex, rejection: Rejection, deps: Pick<TunnelDeps, 'done'>): void {
  exchange.status = rejection.status;
  exchange.rejection = rejection.code;
  writeRawRejection(client, rejection, exchange.requestId, exchange.responseHeaders);
  deps.done(exchange);
}

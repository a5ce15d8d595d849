import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestPlatform } from '../e2e/support/platform';
import { CountingUpstream } from './support/counting-upstream';
import { rawExchange } from './support/raw-tcp';
import { send } from './support/send';
import { accessToken, type ApiWorld, createTenant, publishApi, startHostilePlatform, subscribe, type TenantWorld, waitServed } from './support/world';

/**
 * Request smuggling against the gateway's data plane over raw TCP. Every smuggled request
 * targets a path holding "smuggled" and carries no credential (and a forged identity header):
 * the gateway itself would refuse it with 401, so an upstream hit on such a path means the
 * gateway and the upstream disagreed about where a request ends.
 */

interface SmugglingCase {
  readonly name: string;
  /** Raw bytes, or several writes sent 20 ms apart. */
  readonly payload: (context: CaseContext) => string | Buffer | Array<string | Buffer>;
  /**
   * `refused`: the gateway answers 4xx (or closes) and nothing reaches the upstream.
   * `framed`: a well-framed request the gateway may serve (at most `maxHits` upstream hits);
   * anything after it is parsed by the gateway itself.
   */
  readonly outcome: 'refused' | 'framed';
  readonly maxHits?: number;
  /** The gateway must relay exactly these answers and then close the connection. */
  readonly relaysThenCloses?: number[];
}

interface CaseContext {
  readonly path: string;
  readonly token: string;
  readonly smuggled: string;
}

const CRLF = '\r\n';

describe('request smuggling against the gateway', () => {
  let platform: TestPlatform;
  const upstream = new CountingUpstream();
  let tenant: TenantWorld;
  let api: ApiWorld;
  let token: string;
  let port: number;
  let legitCounter = 0;

  beforeAll(async () => {
    const upstreamUrl = await upstream.start();
    platform = await startHostilePlatform('hostile-smuggling');
    port = Number(new URL(platform.urls.gateway).port);
    tenant = await createTenant(platform, 'smuggle-a');
    api = await publishApi(platform, tenant, 'orders', upstreamUrl);
    await subscribe(platform, tenant, api, tenant.applicationId);
    token = await accessToken(platform, tenant.applicationId, tenant.clientSecret, api.audience);
    await waitServed(platform, `${api.basePath}/ready`, token);
  }, 240_000);

  afterAll(async () => {
    await platform?.stop();
    await upstream.stop();
  });

  const context = (name: string): CaseContext => {
    const marker = `smuggled-${name.replace(/[^a-z0-9]+/gi, '-')}`;
    return {
      path: `${api.basePath}/outer`,
      token,
      smuggled: `GET /${marker} HTTP/1.1${CRLF}Host: upstream${CRLF}x-gatehouse-tenant: intruder${CRLF}x-gatehouse-application-id: intruder${CRLF}${CRLF}`,
    };
  };
  const head = (c: CaseContext, method = 'POST') => `${method} ${c.path} HTTP/1.1${CRLF}Host: gw${CRLF}Authorization: Bearer ${c.token}${CRLF}`;
  const chunked = (body: string) => `${body.length.toString(16)}${CRLF}${body}${CRLF}0${CRLF}${CRLF}`;

  const cases: SmugglingCase[] = [
    // CL.TE and TE.CL: both framings in one request.
    { name: 'CL.TE', outcome: 'refused', payload: (c) => `${head(c)}Content-Length: ${5 + c.smuggled.length}${CRLF}Transfer-Encoding: chunked${CRLF}${CRLF}0${CRLF}${CRLF}${c.smuggled}` },
    { name: 'TE.CL', outcome: 'refused', payload: (c) => `${head(c)}Transfer-Encoding: chunked${CRLF}Content-Length: 4${CRLF}${CRLF}${chunked(c.smuggled)}` },
    { name: 'CL.TE with zero length', outcome: 'refused', payload: (c) => `${head(c)}Content-Length: 0${CRLF}Transfer-Encoding: chunked${CRLF}${CRLF}${chunked(c.smuggled)}` },
    { name: 'CL and TE identity', outcome: 'refused', payload: (c) => `${head(c)}Content-Length: ${c.smuggled.length}${CRLF}Transfer-Encoding: identity${CRLF}${CRLF}${c.smuggled}` },
    // Content-Length disagreements.
    { name: 'duplicate differing Content-Length', outcome: 'refused', payload: (c) => `${head(c)}Content-Length: 0${CRLF}Content-Length: ${c.smuggled.length}${CRLF}${CRLF}${c.smuggled}` },
    { name: 'Content-Length list', outcome: 'refused', payload: (c) => `${head(c)}Content-Length: 0, ${c.smuggled.length}${CRLF}${CRLF}${c.smuggled}` },
    { name: 'signed Content-Length', outcome: 'refused', payload: (c) => `${head(c)}Content-Length: +${c.smuggled.length}${CRLF}${CRLF}${c.smuggled}` },
    { name: 'hex Content-Length', outcome: 'refused', payload: (c) => `${head(c)}Content-Length: 0x${c.smuggled.length.toString(16)}${CRLF}${CRLF}${c.smuggled}` },
    { name: 'negative Content-Length', outcome: 'refused', payload: (c) => `${head(c)}Content-Length: -1${CRLF}${CRLF}${c.smuggled}` },
    { name: 'Content-Length overflow', outcome: 'refused', payload: (c) => `${head(c)}Content-Length: 18446744073709551617${CRLF}${CRLF}${c.smuggled}` },
    { name: 'space before colon in Content-Length', outcome: 'refused', payload: (c) => `${head(c)}Content-Length : ${c.smuggled.length}${CRLF}${CRLF}${c.smuggled}` },
    // Obfuscated Transfer-Encoding.
    { name: 'TE xchunked', outcome: 'refused', payload: (c) => `${head(c)}Transfer-Encoding: xchunked${CRLF}${CRLF}${chunked(c.smuggled)}` },
    { name: 'TE chunked then identity', outcome: 'refused', payload: (c) => `${head(c)}Transfer-Encoding: chunked${CRLF}Transfer-Encoding: identity${CRLF}${CRLF}${chunked(c.smuggled)}` },
    { name: 'TE chunked, identity', outcome: 'refused', payload: (c) => `${head(c)}Transfer-Encoding: chunked, identity${CRLF}${CRLF}${chunked(c.smuggled)}` },
    { name: 'TE space before colon', outcome: 'refused', payload: (c) => `${head(c)}Transfer-Encoding : chunked${CRLF}Content-Length: 3${CRLF}${CRLF}${chunked(c.smuggled)}` },
    { name: 'TE folded onto the previous header', outcome: 'refused', payload: (c) => `${head(c)}X-Filler: a${CRLF} Transfer-Encoding: chunked${CRLF}Content-Length: 3${CRLF}${CRLF}${chunked(c.smuggled)}` },
    { name: 'TE value folded', outcome: 'refused', payload: (c) => `${head(c)}Transfer-Encoding: x${CRLF} chunked${CRLF}${CRLF}${chunked(c.smuggled)}` },
    { name: 'TE with vertical tab', outcome: 'refused', payload: (c) => `${head(c)}Transfer-Encoding:\x0bchunked${CRLF}Content-Length: 3${CRLF}${CRLF}${chunked(c.smuggled)}` },
    { name: 'TE with NUL', outcome: 'refused', payload: (c) => `${head(c)}Transfer-Encoding: chunked\x00${CRLF}${CRLF}${chunked(c.smuggled)}` },
    { name: 'TE CHUNKED with CL', outcome: 'refused', payload: (c) => `${head(c)}Transfer-Encoding: CHUNKED${CRLF}Content-Length: 3${CRLF}${CRLF}${chunked(c.smuggled)}` },
    { name: 'TE tab before value with CL', outcome: 'refused', payload: (c) => `${head(c)}Transfer-Encoding:\tchunked${CRLF}Content-Length: 3${CRLF}${CRLF}${chunked(c.smuggled)}` },
    // Well-formed by RFC 9112 (tab is optional whitespace): served, and what follows is the gateway's to parse.
    { name: 'TE tab before value alone', outcome: 'framed', payload: (c) => `${head(c)}Transfer-Encoding:\tchunked${CRLF}${CRLF}${chunked('hello')}${c.smuggled}` },
    // Chunk framing.
    { name: 'chunk-size overflow', outcome: 'refused', payload: (c) => `${head(c)}Transfer-Encoding: chunked${CRLF}${CRLF}ffffffffffffffff1${CRLF}x${CRLF}0${CRLF}${CRLF}${c.smuggled}` },
    { name: 'chunk-size 2^64', outcome: 'refused', payload: (c) => `${head(c)}Transfer-Encoding: chunked${CRLF}${CRLF}10000000000000000${CRLF}${c.smuggled}${CRLF}0${CRLF}${CRLF}` },
    { name: 'negative chunk-size', outcome: 'refused', payload: (c) => `${head(c)}Transfer-Encoding: chunked${CRLF}${CRLF}-1${CRLF}${c.smuggled}${CRLF}0${CRLF}${CRLF}` },
    { name: 'chunk-size with 0x prefix', outcome: 'refused', payload: (c) => `${head(c)}Transfer-Encoding: chunked${CRLF}${CRLF}0x5${CRLF}hello${CRLF}0${CRLF}${CRLF}${c.smuggled}` },
    { name: 'chunk-size with space', outcome: 'refused', payload: (c) => `${head(c)}Transfer-Encoding: chunked${CRLF}${CRLF}5 ${CRLF}hello${CRLF}0${CRLF}${CRLF}${c.smuggled}` },
    { name: 'chunk data longer than its size', outcome: 'refused', payload: (c) => `${head(c)}Transfer-Encoding: chunked${CRLF}${CRLF}1${CRLF}${c.smuggled}${CRLF}0${CRLF}${CRLF}` },
    { name: 'chunk extension with bare LF', outcome: 'refused', payload: (c) => `${head(c)}Transfer-Encoding: chunked${CRLF}${CRLF}5;a\nb${CRLF}hello${CRLF}0${CRLF}${CRLF}${c.smuggled}` },
    { name: 'chunk terminated by bare LF', outcome: 'refused', payload: (c) => `${head(c)}Transfer-Encoding: chunked${CRLF}${CRLF}5\nhello\n0\n\n${c.smuggled}` },
    { name: 'trailer carrying framing headers', outcome: 'framed', payload: (c) => `${head(c)}Transfer-Encoding: chunked${CRLF}${CRLF}5${CRLF}hello${CRLF}0${CRLF}Content-Length: ${c.smuggled.length}${CRLF}Transfer-Encoding: chunked${CRLF}${CRLF}${c.smuggled}` },
    // Line endings and folding.
    { name: 'bare LF line endings', outcome: 'refused', payload: (c) => `GET ${c.path} HTTP/1.1\nHost: gw\nAuthorization: Bearer ${c.token}\nContent-Length: ${c.smuggled.length}\n\n${c.smuggled}` },
    { name: 'bare LF before Content-Length', outcome: 'refused', payload: (c) => `${head(c)}X-Filler: a\nContent-Length: ${c.smuggled.length}${CRLF}${CRLF}${c.smuggled}` },
    { name: 'bare CR in a header', outcome: 'refused', payload: (c) => `${head(c)}X-Filler: a\rContent-Length: ${c.smuggled.length}${CRLF}${CRLF}${c.smuggled}` },
    { name: 'obs-fold header continuation', outcome: 'refused', payload: (c) => `${head(c, 'GET')}X-Filler: a${CRLF}\tcontinued${CRLF}${CRLF}${c.smuggled}` },
    { name: 'header without colon', outcome: 'refused', payload: (c) => `${head(c, 'GET')}Content-Length${CRLF}${CRLF}${c.smuggled}` },
    { name: 'header name with space', outcome: 'refused', payload: (c) => `${head(c, 'GET')}Content Length: 5${CRLF}${CRLF}${c.smuggled}` },
    { name: 'duplicate Host', outcome: 'refused', payload: (c) => `GET ${c.path} HTTP/1.1${CRLF}Host: gw${CRLF}Host: upstream${CRLF}Authorization: Bearer ${c.token}${CRLF}${CRLF}${c.smuggled}` },
    { name: 'missing Host', outcome: 'refused', payload: (c) => `GET ${c.path} HTTP/1.1${CRLF}Authorization: Bearer ${c.token}${CRLF}${CRLF}${c.smuggled}` },
    // Request lines.
    { name: 'HTTP/0.9 request line', outcome: 'refused', payload: (c) => `GET ${c.path}${CRLF}${CRLF}${c.smuggled}` },
    { name: 'HTTP/2 preface on HTTP/1.1', outcome: 'refused', payload: (c) => `PRI * HTTP/2.0${CRLF}${CRLF}SM${CRLF}${CRLF}${c.smuggled}` },
    { name: 'HTTP/1.2', outcome: 'refused', payload: (c) => `GET ${c.path} HTTP/1.2${CRLF}Host: gw${CRLF}Authorization: Bearer ${c.token}${CRLF}${CRLF}${c.smuggled}` },
    { name: 'HTTP/9.9', outcome: 'refused', payload: (c) => `GET ${c.path} HTTP/9.9${CRLF}Host: gw${CRLF}${CRLF}${c.smuggled}` },
    { name: 'absolute-form target', outcome: 'refused', payload: (c) => `GET http://upstream${c.path} HTTP/1.1${CRLF}Host: gw${CRLF}Authorization: Bearer ${c.token}${CRLF}${CRLF}${c.smuggled}` },
    { name: 'asterisk-form target', outcome: 'refused', payload: (c) => `OPTIONS * HTTP/1.1${CRLF}Host: gw${CRLF}${CRLF}${c.smuggled}` },
    { name: 'two spaces in the request line', outcome: 'refused', payload: (c) => `GET  ${c.path} HTTP/1.1${CRLF}Host: gw${CRLF}${CRLF}${c.smuggled}` },
    { name: 'space in the target', outcome: 'refused', payload: (c) => `GET ${c.path} x HTTP/1.1${CRLF}Host: gw${CRLF}${CRLF}${c.smuggled}` },
    { name: 'NUL in the method', outcome: 'refused', payload: (c) => `G\x00ET ${c.path} HTTP/1.1${CRLF}Host: gw${CRLF}${CRLF}${c.smuggled}` },
    { name: 'lowercase method', outcome: 'refused', payload: (c) => `get ${c.path} HTTP/1.1${CRLF}Host: gw${CRLF}Authorization: Bearer ${c.token}${CRLF}${CRLF}${c.smuggled}` },
    { name: 'unknown method', outcome: 'refused', payload: (c) => `SMUGGLE ${c.path} HTTP/1.1${CRLF}Host: gw${CRLF}Authorization: Bearer ${c.token}${CRLF}${CRLF}${c.smuggled}` },
    { name: 'huge method', outcome: 'refused', payload: (c) => `${'A'.repeat(4096)} ${c.path} HTTP/1.1${CRLF}Host: gw${CRLF}${CRLF}${c.smuggled}` },
    { name: 'TRACE', outcome: 'refused', payload: (c) => `TRACE ${c.path} HTTP/1.1${CRLF}Host: gw${CRLF}Authorization: Bearer ${c.token}${CRLF}${CRLF}${c.smuggled}` },
    { name: 'CONNECT', outcome: 'refused', payload: (c) => `CONNECT 127.0.0.1:1 HTTP/1.1${CRLF}Host: 127.0.0.1:1${CRLF}Authorization: Bearer ${c.token}${CRLF}${CRLF}${c.smuggled}` },
    { name: 'NUL in a header value', outcome: 'refused', payload: (c) => `GET ${c.path} HTTP/1.1${CRLF}Host: gw${CRLF}X-Filler: a\x00b${CRLF}Authorization: Bearer ${c.token}${CRLF}${CRLF}${c.smuggled}` },
    // Upgrades: only a WebSocket the upstream accepts may turn the connection into a tunnel.
    { name: 'h2c upgrade', outcome: 'refused', payload: (c) => `GET ${c.path} HTTP/1.1${CRLF}Host: gw${CRLF}Connection: Upgrade, HTTP2-Settings${CRLF}Upgrade: h2c${CRLF}HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA${CRLF}Authorization: Bearer ${c.token}${CRLF}${CRLF}${c.smuggled}` },
    {
      name: 'WebSocket upgrade the upstream answers 200, request pipelined behind it',
      outcome: 'framed',
      relaysThenCloses: [200],
      payload: (c) =>
        `GET ${c.path} HTTP/1.1${CRLF}Host: gw${CRLF}Connection: Upgrade${CRLF}Upgrade: websocket${CRLF}Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==${CRLF}Sec-WebSocket-Version: 13${CRLF}Authorization: Bearer ${c.token}${CRLF}${CRLF}${c.smuggled}`,
    },
    {
      name: 'WebSocket upgrade the upstream answers 200, request sent after the answer',
      outcome: 'framed',
      relaysThenCloses: [200],
      payload: (c) => [
        `GET ${c.path} HTTP/1.1${CRLF}Host: gw${CRLF}Connection: Upgrade${CRLF}Upgrade: websocket${CRLF}Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==${CRLF}Sec-WebSocket-Version: 13${CRLF}Authorization: Bearer ${c.token}${CRLF}${CRLF}`,
        c.smuggled,
        c.smuggled,
      ],
    },
    // Controls: well-framed bodies and pipelining reach the upstream as exactly what the gateway parsed.
    { name: 'request hidden in a Content-Length body', outcome: 'framed', payload: (c) => `${head(c)}Content-Length: ${c.smuggled.length}${CRLF}${CRLF}${c.smuggled}` },
    { name: 'request hidden in a chunked body', outcome: 'framed', payload: (c) => `${head(c)}Transfer-Encoding: chunked${CRLF}${CRLF}${chunked(c.smuggled)}` },
    { name: 'pipelined request without credentials', outcome: 'framed', payload: (c) => `${head(c, 'GET')}${CRLF}${c.smuggled}` },
    { name: 'GET with a body and a pipelined request', outcome: 'framed', payload: (c) => `${head(c, 'GET')}Content-Length: 5${CRLF}${CRLF}hello${c.smuggled}` },
    { name: 'HTTP/1.0 keep-alive with a body', outcome: 'framed', payload: (c) => `POST ${c.path} HTTP/1.0${CRLF}Host: gw${CRLF}Connection: keep-alive${CRLF}Authorization: Bearer ${c.token}${CRLF}Content-Length: 5${CRLF}${CRLF}hello${c.smuggled}` },
    { name: 'HTTP/1.0 with Transfer-Encoding', outcome: 'refused', payload: (c) => `POST ${c.path} HTTP/1.0${CRLF}Host: gw${CRLF}Transfer-Encoding: chunked${CRLF}Authorization: Bearer ${c.token}${CRLF}${CRLF}${chunked('hello')}${c.smuggled}` },
  ];

  /** A legitimate request right after a case gets its own answer (no poisoned upstream connection). */
  async function legitimateRequestAnsweredCorrectly(): Promise<void> {
    legitCounter += 1;
    const path = `${api.basePath}/legit-${legitCounter}`;
    const answer = await send('GET', `${platform.urls.gateway}${path}`, { token });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json.url).toBe(`/legit-${legitCounter}`);
  }

  it.each(cases.map((entry) => [entry.name, entry] as const))('%s: no request reaches the upstream behind the gateway', async (_name, entry) => {
    const c = context(entry.name);
    const marker = c.smuggled.slice(5, c.smuggled.indexOf(' ', 5));
    const before = upstream.hits.length;
    const result = await rawExchange(port, entry.payload(c));
    const hits = upstream.hits.slice(before);
    expect(upstream.hitsOf(marker), `smuggled request reached the upstream; gateway said ${result.statuses.join(',')}`).toEqual([]);
    expect(hits.every((hit) => hit.headers['x-gatehouse-tenant'] === tenant.tenantId), 'only gateway-vouched identities upstream').toBe(true);
    for (const status of result.statuses) expect(status, `answer ${result.received.slice(0, 300)}`).toBeLessThan(500);
    expect(result.received).not.toContain(token);
    if (entry.outcome === 'refused') {
      expect(hits, `the gateway forwarded a request it should refuse: ${JSON.stringify(hits.map((hit) => hit.url))}`).toEqual([]);
      expect(result.statuses.every((status) => status >= 400), `answers ${result.statuses.join(',')}`).toBe(true);
      expect(result.statuses.length > 0 || result.closedByServer, 'a 4xx or a closed connection').toBe(true);
    } else {
      expect(hits.length).toBeLessThanOrEqual(entry.maxHits ?? 1);
    }
    if (entry.relaysThenCloses) {
      expect(result.statuses).toEqual(entry.relaysThenCloses);
      expect(result.closedByServer, 'the gateway closes a connection whose upgrade the upstream refused').toBe(true);
    }
    await legitimateRequestAnsweredCorrectly();
  });

  it('stays ready and serving after the whole corpus, and no smuggled request ever reached the upstream', async () => {
    expect(upstream.hitsOf('smuggled')).toEqual([]);
    expect((await fetch(`${platform.urls.gatewayControl}/health/ready`)).status).toBe(200);
    await legitimateRequestAnsweredCorrectly();
  });
});

/** Headers that describe one hop, never forwarded (RFC 9110 section 7.6.1, plus legacy ones). */
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'http2-settings']);

/** Client-supplied copies of what the gateway itself asserts; always dropped. */
const gatewayAsserted = new Set(['host', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port', 'forwarded', 'x-real-ip', 'x-request-id']);

const credentialHeaders = new Set(['authorization', 'x-api-key']);

/** The identity the gateway vouches for, sent upstream in `x-gatehouse-*` headers. */
export interface ForwardedIdentity {
  readonly tenantId: string;
  readonly applicationId: string | null;
  readonly subject: string | null;
  readonly scopes: readonly string[];
  readonly authMethod: 'bearer' | 'api_key' | 'none';
  readonly subscriptionId: string | null;
  readonly planId: string | null;
}

export interface UpstreamHeaderContext {
  readonly requestId: string;
  readonly clientIp: string;
  readonly proto: 'http' | 'https';
  /** Host header the client sent (empty when absent). */
  readonly originalHost: string;
  /** `host[:port]` of the target. */
  readonly upstreamHost: string;
  readonly routeId: string;
  readonly identity: ForwardedIdentity;
  /** Drop `authorization` and `x-api-key`: the gateway consumed the credential. */
  readonly stripCredentials: boolean;
  /** Keep `upgrade` and `connection: upgrade` (WebSocket passthrough). */
  readonly upgrade: boolean;
}

/** A `Connection` value that names no other header: nearly every request's, so it skips the split. */
const plainConnection = /^\s*(?:keep-alive|close)\s*$/i;

/** Names listed in a `Connection` header (other than close / keep-alive / upgrade), lowercase. */
function connectionTokens(raw: readonly string[]): Set<string> | null {
  let tokens: Set<string> | null = null;
  for (let index = 0; index < raw.length; index += 2) {
    if (raw[index]!.length !== 10 || raw[index]!.toLowerCase() !== 'connection') continue;
    const value = raw[index + 1]!;
    if (plainConnection.test(value)) continue;
    for (const token of value.split(',')) {
      const name = token.trim().toLowerCase();
      if (name && name !== 'close' && name !== 'keep-alive' && name !== 'upgrade') (tokens ??= new Set()).add(name);
    }
  }
  return tokens;
}

/**
 * The headers sent upstream, flat `[name, value, …]`: the client's headers minus hop-by-hop
 * ones (and any named in `Connection`), minus client copies of `x-gatehouse-*`, forwarding
 * and request-id headers, plus the gateway's own `Host`, `X-Forwarded-*`, `X-Request-Id` and
 * identity headers.
 */
export function upstreamRequestHeaders(raw: readonly string[], context: UpstreamHeaderContext): string[] {
  const extra = connectionTokens(raw);
  const out: string[] = [];
  for (let index = 0; index < raw.length; index += 2) {
    const name = raw[index]!.toLowerCase();
    if (hopByHop.has(name) || gatewayAsserted.has(name) || name.startsWith('x-gatehouse-')) continue;
    if (context.stripCredentials && credentialHeaders.has(name)) continue;
    if (extra !== null && extra.has(name)) continue;
    out.push(name, raw[index + 1]!);
  }
  if (context.upgrade) out.push('connection', 'upgrade', 'upgrade', 'websocket');
  out.push(
    'host',
    context.upstreamHost,
    'x-forwarded-for',
    context.clientIp,
    'x-forwarded-proto',
    context.proto,
    'x-request-id',
    context.requestId,
    'x-gatehouse-route-id',
    context.routeId,
    'x-gatehouse-tenant',
    context.identity.tenantId,
    'x-gatehouse-auth-method',
    context.identity.authMethod,
  );
  if (context.originalHost) out.push('x-forwarded-host', context.originalHost);
  const identity = context.identity;
  if (identity.applicationId !== null) out.push('x-gatehouse-application-id', identity.applicationId);
  if (identity.subject !== null) out.push('x-gatehouse-subject', identity.subject);
  if (identity.scopes.length > 0) out.push('x-gatehouse-scopes', identity.scopes.join(' '));
  if (identity.subscriptionId !== null) out.push('x-gatehouse-subscription-id', identity.subscriptionId);
  if (identity.planId !== null) out.push('x-gatehouse-plan-id', identity.planId);
  return out;
}

/**
 * The response headers sent to the client, flat: the upstream's minus hop-by-hop ones (and
 * any named in its `Connection`), followed by the gateway's own (`extra`).
 */
export function clientResponseHeaders(headers: Record<string, string | string[] | undefined>, extra: readonly string[]): string[] {
  const out: string[] = [];
  const connection = headers.connection;
  let listed: Set<string> | null = null;
  if (connection !== undefined) {
    for (const token of String(connection).split(',')) {
      const name = token.trim().toLowerCase();
      if (name && name !== 'close' && name !== 'keep-alive') (listed ??= new Set()).add(name);
    }
  }
  for (const name in headers) {
    if (hopByHop.has(name) || (listed !== null && listed.has(name)) || name === 'x-request-id') continue;
    const value = headers[name];
    if (value === undefined) continue;
    if (typeof value === 'string') out.push(name, value);
    else for (const item of value) out.push(name, item);
  }
  for (let index = 0; index < extra.length; index += 1) out.push(extra[index]!);
  return out;
}

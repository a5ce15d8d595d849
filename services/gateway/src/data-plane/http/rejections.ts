/**
 * An answer the gateway gives itself instead of proxying. `code` is the stable `error` of the
 * JSON body and the `rejection` of the usage record; the body prefix is built once.
 */
export interface Rejection {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  /** `{"error":…,"message":…,"requestId":"` — the request id and `"}` are appended per request. */
  readonly bodyPrefix: string;
  /** Extra response headers, flat `[name, value, …]`. */
  readonly headers: readonly string[] | null;
}

export function rejection(status: number, code: string, message: string, headers: readonly string[] | null = null): Rejection {
  return { status, code, message, headers, bodyPrefix: `{"error":${JSON.stringify(code)},"message":${JSON.stringify(message)},"requestId":"` };
}

/** Fixed rejections; dynamic ones (auth, limits) are built with `rejection()`. */
export const rejections = {
  invalidTarget: rejection(400, 'invalid_request', 'the request target must be an origin-form path without fragments or control characters'),
  invalidEncoding: rejection(400, 'invalid_path', 'the path holds a malformed percent-encoding'),
  encodedSeparator: rejection(400, 'invalid_path', 'the path holds an encoded or backslash separator (%2F, %5C or \\)'),
  controlCharacter: rejection(400, 'invalid_path', 'the path holds a control character'),
  invalidUtf8: rejection(400, 'invalid_path', 'the path is not valid UTF-8 once decoded'),
  pathTraversal: rejection(400, 'path_traversal', 'the path climbs above the root with ..'),
  duplicateHost: rejection(400, 'invalid_request', 'the request has more than one Host header'),
  uriTooLong: rejection(414, 'uri_too_long', 'the request target is too long'),
  headersTooLarge: rejection(431, 'headers_too_large', 'the request headers are too large'),
  badRequest: rejection(400, 'invalid_request', 'the request could not be parsed as HTTP/1.1'),
  requestTimeout: rejection(408, 'request_timeout', 'the request was not received in time'),
  notReady: rejection(503, 'not_ready', 'the gateway is still loading its configuration', ['retry-after', '1']),
  shuttingDown: rejection(503, 'shutting_down', 'the gateway is shutting down', ['connection', 'close']),
  routeNotFound: rejection(404, 'route_not_found', 'no route matches this host, method and path'),
  retired: rejection(410, 'api_retired', 'this API version is retired'),
  unsupportedKind: rejection(501, 'not_implemented', 'this route kind is not served by the HTTP gateway'),
  credentialsMissing: rejection(401, 'unauthorized', 'this route requires a bearer token or an API key'),
  apiKeyInvalid: rejection(401, 'invalid_api_key', 'the API key is unknown, expired or revoked'),
  apiKeyNotAccepted: rejection(401, 'unauthorized', 'this route does not accept API keys'),
  bearerNotAccepted: rejection(401, 'unauthorized', 'this route does not accept bearer tokens'),
  applicationInactive: rejection(403, 'application_inactive', 'the application is suspended, deleted or unknown'),
  noSubscription: rejection(403, 'no_subscription', 'the application has no approved subscription to this API'),
  tenantMismatch: rejection(403, 'tenant_mismatch', 'the credential belongs to another tenant than the subscription'),
  insufficientScope: rejection(403, 'insufficient_scope', 'the credential lacks a scope this route requires'),
  payloadTooLarge: rejection(413, 'payload_too_large', 'the request body exceeds the limit of this route', ['connection', 'close']),
  upstreamUnavailable: rejection(503, 'upstream_unavailable', 'no healthy upstream target is available', ['retry-after', '1']),
  badGateway: rejection(502, 'bad_gateway', 'the upstream failed to answer'),
  connectTimeout: rejection(504, 'upstream_timeout', 'the upstream did not accept the connection in time'),
  firstByteTimeout: rejection(504, 'upstream_timeout', 'the upstream did not start answering in time'),
  totalTimeout: rejection(504, 'upstream_timeout', 'the upstream did not finish answering in time'),
  upgradeNotAllowed: rejection(400, 'invalid_request', 'only WebSocket upgrades are passed through'),
} as const;

export function rejectionBody(rejection: Rejection, requestId: string): string {
  return `${rejection.bodyPrefix}${requestId}"}`;
}

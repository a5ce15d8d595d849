/** An answer of a Gatehouse service outside what the caller expected. */
export class ServiceError extends Error {
  constructor(
    readonly status: number,
    /** The service's stable error code (`not_found`, `invalid_target`…), when it gave one. */
    readonly code: string | undefined,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

const REQUEST_TIMEOUT_MS = 15_000;

function describeFailure(method: string, url: string, status: number, body: unknown): ServiceError {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const code = typeof fields.error === 'string' ? fields.error : undefined;
  const text = [fields.message, fields.error_description].find((value) => typeof value === 'string') as string | undefined;
  const details = fields.details === undefined ? '' : ` ${JSON.stringify(fields.details)}`;
  const raw = typeof body === 'string' ? `: ${body.slice(0, 500)}` : '';
  return new ServiceError(status, code, `${method} ${url} → ${status}${code ? ` ${code}` : ''}${text ? `: ${text}` : ''}${details}${raw}`, body);
}

async function parse(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

async function send(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (error) {
    const { cause } = error as { cause?: { code?: string; message?: string } };
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new ServiceError(0, 'unreachable', `${init.method ?? 'GET'} ${url}: no answer (${reason}); is the platform running (npm start)?`, undefined);
  }
}

/** JSON over HTTP with an admin bearer credential (a member token or the bootstrap token). */
export class AdminClient {
  constructor(
    private readonly base: string,
    private readonly token: () => Promise<string> | string,
  ) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = `${this.base}${path}`;
    const headers: Record<string, string> = { authorization: `Bearer ${await this.token()}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await send(url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const parsed = await parse(response);
    if (!response.ok) throw describeFailure(method, url, response.status, parsed);
    return parsed as T;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }
}

/** The token endpoint's success answer. */
export interface TokenAnswer {
  readonly access_token: string;
  readonly token_type: string;
  readonly expires_in: number;
  readonly refresh_token?: string;
  readonly scope?: string;
}

/** `POST /oauth2/token` with form `params`, authenticated with client_secret_basic when `client` is given. */
export async function tokenRequest(identity: string, params: Record<string, string>, client?: { id: string; secret: string }): Promise<TokenAnswer> {
  const url = `${identity}/oauth2/token`;
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (client) headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString('base64')}`;
  const response = await send(url, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
  const parsed = await parse(response);
  if (!response.ok) throw describeFailure('POST', url, response.status, parsed);
  return parsed as TokenAnswer;
}

/** `client_credentials` for one API audience (RFC 8707 `resource`). */
export function clientCredentialsToken(identity: string, client: { id: string; secret: string }, resource: string): Promise<TokenAnswer> {
  return tokenRequest(identity, { grant_type: 'client_credentials', resource }, client);
}

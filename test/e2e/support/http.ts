/** A small JSON client for the admin APIs, failing loudly with the response body on an unexpected status. */
export class AdminClient {
  constructor(
    private readonly base: string,
    private readonly token: string,
  ) {}

  async request<T = any>(method: string, path: string, body?: unknown, expected: number[] = [200, 201, 202, 204]): Promise<T> {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!expected.includes(response.status)) throw new Error(`${method} ${path} → ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, body: unknown = {}) {
    return this.request<T>('POST', path, body);
  }
  patch<T = any>(path: string, body: unknown) {
    return this.request<T>('PATCH', path, body);
  }
  delete<T = any>(path: string) {
    return this.request<T>('DELETE', path);
  }
}

/** `client_credentials` at the token endpoint with client_secret_basic. */
export async function clientCredentials(identity: string, clientId: string, secret: string, params: Record<string, string | string[]> = {}) {
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  for (const [name, value] of Object.entries(params)) for (const item of [value].flat()) form.append(name, item);
  const response = await fetch(`${identity}/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: form,
  });
  const body = (await response.json()) as Record<string, unknown>;
  if (response.status !== 200) throw new Error(`token endpoint → ${response.status}: ${JSON.stringify(body)}`);
  return body as { access_token: string; token_type: string; expires_in: number; scope?: string };
}

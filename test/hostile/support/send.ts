/** One HTTP answer, read whole: status, headers and the body as text and (when it parses) JSON. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: any;
}

export interface SendOptions {
  token?: string;
  /** Serialized with JSON.stringify and sent as application/json. */
  json?: unknown;
  /** Sent as is (with the caller's content-type). */
  body?: string | Uint8Array | URLSearchParams;
  headers?: Record<string, string>;
}

/** Sends one request and never throws on a status: hostile tests look at every answer. */
export async function send(method: string, url: string, options: SendOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | Uint8Array | URLSearchParams | undefined = options.body;
  if (options.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(options.json);
  }
  const response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** Throws with the answer when its status is not the expected one; returns the JSON body. */
export async function expectOk(answer: Promise<Answer> | Answer, ...statuses: number[]): Promise<any> {
  const got = await answer;
  const accepted = statuses.length > 0 ? statuses : [200, 201, 204];
  if (!accepted.includes(got.status)) throw new Error(`expected ${accepted.join('/')}, got ${got.status}: ${got.text.slice(0, 500)}`);
  return got.json;
}

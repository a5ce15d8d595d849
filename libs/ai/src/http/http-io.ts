import type { IncomingMessage, ServerResponse } from 'node:http';
import { AiError } from '../errors/ai-error';

/** Header carrying the attempt chain of an AI request. */
export const ATTEMPTS_HEADER = 'x-gatehouse-ai-attempts';

/** Reads a JSON request body of at most `maxBytes`; 413/400 as OpenAI words them. */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    throw new AiError('request_too_large', `The request body is larger than ${maxBytes} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new AiError('request_too_large', `The request body is larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new AiError('invalid_request', 'The request body is empty; a JSON object is expected.');
  try {
    return JSON.parse(text);
  } catch {
    throw new AiError('invalid_request', 'We could not parse the JSON body of your request. The body must be valid JSON.');
  }
}

/** Sends a JSON answer. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    if (!res.writableEnded) res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Sends an OpenAI-shaped error. */
export function sendError(res: ServerResponse, error: AiError, headers: Record<string, string> = {}): void {
  const extra: Record<string, string> = error.status === 405 ? { allow: 'GET, POST' } : {};
  sendJson(res, error.status, error.toBody(), { ...extra, ...headers });
}

/** A zod issue path as OpenAI names parameters: `messages[1].content`. */
export function paramPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out;
}

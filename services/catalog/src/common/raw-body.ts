import type { Request } from 'express';
import { formatBytes } from '../openapi/document-issue';
import { AppError } from '@gatehouse/platform';

/**
 * The request body as text, read here with our own limit (a 413 naming it), or the JSON
 * value when the platform's JSON parser already read it (application/json bodies).
 */
export async function readDocumentBody(request: Request, maxBytes: number): Promise<string | Record<string, unknown>> {
  const tooLarge = (size: string) =>
    new AppError(413, 'payload_too_large', `OpenAPI document is ${size}; the limit is ${formatBytes(maxBytes)} (${maxBytes} bytes)`);
  const parsed = request.body as unknown;
  if (parsed !== undefined || request.readableEnded) {
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new AppError(422, 'invalid_document', 'the OpenAPI document must be a JSON or YAML object');
    return parsed as Record<string, unknown>;
  }
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(`${formatBytes(declared)} (${declared} bytes)`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      request.unpipe();
      request.resume();
      throw tooLarge(`more than ${formatBytes(maxBytes)}`);
    }
    chunks.push(chunk);
  }
  if (size === 0) throw new AppError(400, 'invalid_request', 'send the OpenAPI document as the request body (application/yaml, application/json or text/plain)');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new AppError(422, 'invalid_document', 'the OpenAPI document is not valid UTF-8');
  }
}

import type { z } from 'zod';
import { AiError } from '../errors/ai-error';
import { paramPath } from './http-io';

/**
 * Validates a request body against a schema; the first problem becomes a 400 whose `param`
 * names the field (`messages[1].role`) and whose message says what was wrong with it.
 */
export function parseRequest<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new AiError('invalid_request', 'The request body must be a JSON object.');
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const param = paramPath(issue.path);
  const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
  const message = missing ? `Missing required parameter: '${param}'.` : `Invalid value for '${param || 'body'}': ${issue.message}`;
  return failWith(new AiError('invalid_request', message, param || null));
}

function failWith(error: AiError): never {
  throw error;
}

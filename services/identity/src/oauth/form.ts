import type { Request } from 'express';
import { invalidRequest, invalidScope } from './oauth-error';

const MAX_VALUE_LENGTH = 16_384;
/** Same as the platform's urlencoded body parser. */
export const MAX_PARAMETERS = 100;

/**
 * The parameters of an OAuth request, read from an `application/x-www-form-urlencoded`
 * body only. Empty values count as absent (RFC 6749 section 3.1); a parameter sent twice is
 * an error, except those that may repeat (`resource`, RFC 8707).
 */
export class FormParams {
  private constructor(private readonly body: Record<string, unknown>) {}

  static from(request: Request): FormParams {
    if (!request.is('application/x-www-form-urlencoded')) {
      throw invalidRequest('the request body must be application/x-www-form-urlencoded', 415);
    }
    const body = request.body as unknown;
    return new FormParams(typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {});
  }

  /** Parameters of a body already decoded with URLSearchParams (the token fast path). */
  static fromSearchParams(params: URLSearchParams): FormParams {
    const body: Record<string, string | string[]> = Object.create(null);
    let count = 0;
    for (const [name, value] of params) {
      if (++count > MAX_PARAMETERS) throw invalidRequest('the request has too many parameters', 413);
      const known = body[name];
      body[name] = known === undefined ? value : [...(typeof known === 'string' ? [known] : known), value];
    }
    return new FormParams(body);
  }

  optional(name: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw invalidRequest(`${name} must be sent once`);
    return value.length === 0 ? undefined : value;
  }

  required(name: string): string {
    const value = this.optional(name);
    if (value === undefined) throw invalidRequest(`${name} is required`);
    return value;
  }

  /** Every non-empty value of a parameter that may repeat. */
  all(name: string): string[] {
    const value = this.raw(name);
    if (value === undefined) return [];
    const values = typeof value === 'string' ? [value] : Array.isArray(value) ? value : Object.values(value as object);
    if (!values.every((entry) => typeof entry === 'string')) throw invalidRequest(`${name} is malformed`);
    return (values as string[]).filter((entry) => entry.length > 0);
  }

  has(name: string): boolean {
    return this.raw(name) !== undefined;
  }

  private raw(name: string): unknown {
    if (!Object.prototype.hasOwnProperty.call(this.body, name)) return undefined;
    const value = this.body[name];
    if (typeof value === 'string' && value.length > MAX_VALUE_LENGTH) throw invalidRequest(`${name} is too long`);
    return value;
  }
}

/** Splits a `scope` parameter (RFC 6749 section 3.3); refuses characters outside the scope-token grammar. */
export function parseScope(scope: string | undefined): string[] {
  if (scope === undefined) return [];
  const tokens = scope.split(' ').filter((token) => token.length > 0);
  for (const token of tokens) if (!/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(token)) throw invalidScope('scope holds a character outside the scope-token grammar');
  return [...new Set(tokens)];
}

import type { Response } from 'express';
import type { OAuthError } from './oauth-error';

/** Token, introspection and revocation answers are never cached (RFC 6749 section 5.1). */
export function sendNoStore(response: Response, status: number, body: unknown): void {
  response.status(status);
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('Pragma', 'no-cache');
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.end(JSON.stringify(body));
}

export function sendOAuthError(response: Response, error: OAuthError): void {
  for (const [name, value] of Object.entries(error.headers)) response.setHeader(name, value);
  // RFC 6749 section 5.2: error_description is limited to %x20-21 / %x23-5B / %x5D-7E.
  const description = error.description.replace(/[^\x20\x21\x23-\x5B\x5D-\x7E]/g, "'");
  sendNoStore(response, error.status, { error: error.error, error_description: description });
}

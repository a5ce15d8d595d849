import { describe, expect, it } from 'vitest';
import { decodeBase64url } from './base64url';
import { bearerChallenge, TokenError, tokenErrorCodes } from './errors';

describe('bearerChallenge', () => {
  it('names the RFC 6750 error with a fixed description', () => {
    expect(bearerChallenge(new TokenError('ERR_TOKEN_EXPIRED', 'eyJhbGciOi... expired'), { realm: 'gatehouse' })).toBe(
      'Bearer realm="gatehouse", error="invalid_token", error_description="The token has expired"',
    );
  });

  it('sends no error when no token was presented', () => {
    expect(bearerChallenge('ERR_TOKEN_MISSING', { realm: 'api' })).toBe('Bearer realm="api"');
    expect(bearerChallenge(null)).toBe('Bearer');
  });

  it('reports insufficient_scope with the needed scope and status 403', () => {
    const error = new TokenError('ERR_TOKEN_SCOPE');
    expect(error.status).toBe(403);
    expect(bearerChallenge(error, { scope: 'orders:write' })).toBe('Bearer error="insufficient_scope", error_description="The token lacks the required scope", scope="orders:write"');
  });

  it('refuses parameter values that would break the header', () => {
    expect(() => bearerChallenge('ERR_TOKEN_EXPIRED', { realm: 'a"b' })).toThrow(TypeError);
  });

  it('maps every code to a header-safe description', () => {
    for (const code of Object.keys(tokenErrorCodes) as (keyof typeof tokenErrorCodes)[]) expect(() => bearerChallenge(code)).not.toThrow();
  });
});

describe('decodeBase64url', () => {
  it('decodes canonical unpadded base64url only', () => {
    expect(decodeBase64url('aGk')?.toString()).toBe('hi');
    expect(decodeBase64url('')?.length).toBe(0);
    for (const bad of ['aGk=', 'aGl', 'a', 'a+b/', 'aG k', 'aGk\n']) expect(decodeBase64url(bad)).toBeNull();
  });
});

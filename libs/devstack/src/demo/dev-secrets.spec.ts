import { describe, expect, it } from 'vitest';
import { ensureAdminToken, isValidAdminToken } from './dev-secrets';

describe('the npm start admin token', () => {
  it('follows the services rules for bootstrap tokens', () => {
    expect(isValidAdminToken('a'.repeat(16))).toBe(true);
    expect(isValidAdminToken('abc-DEF_123.~+/xyz==')).toBe(true);
    expect(isValidAdminToken('short')).toBe(false);
    expect(isValidAdminToken('has spaces in it, sixteen+')).toBe(false);
  });

  it('comes from ADMIN_BOOTSTRAP_TOKEN when set, without touching the secrets file', async () => {
    await expect(ensureAdminToken('/nonexistent/secrets.json', { ADMIN_BOOTSTRAP_TOKEN: 'x'.repeat(20) })).resolves.toEqual({ token: 'x'.repeat(20), source: 'env' });
    await expect(ensureAdminToken('/nonexistent/secrets.json', { ADMIN_BOOTSTRAP_TOKEN: 'too short' })).rejects.toThrow('ADMIN_BOOTSTRAP_TOKEN must be at least 16 characters');
  });
});

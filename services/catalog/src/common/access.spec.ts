import type { AdminPrincipal, TeamRole } from '@gatehouse/auth';
import { AppError } from '@gatehouse/platform';
import { describe, expect, it } from 'vitest';
import { canSeeApi, manageableApi, type OwnedApi, targetTenant, visibleApi } from './access';

const member = (tenantId: string, teams: Record<string, TeamRole> = {}): AdminPrincipal => ({
  subject: 'm',
  tenantId,
  teams: new Map(Object.entries(teams)),
  platformAdmin: false,
  scopes: new Set(),
  via: 'token',
  clientId: null,
});
const admin: AdminPrincipal = { ...member('platform'), platformAdmin: true, via: 'bootstrap' };
const api = (visibility: OwnedApi['visibility']): OwnedApi => ({ id: 'a1', tenantId: 'acme', teamId: 'team-a', visibility });
const statusOf = (run: () => unknown) => {
  try {
    run();
    return 200;
  } catch (error) {
    return (error as AppError).status;
  }
};

describe('API visibility', () => {
  it('shows team APIs to the team, tenant APIs to the tenant and public APIs to everyone', () => {
    const cases: Array<[OwnedApi['visibility'], AdminPrincipal, boolean]> = [
      ['team', member('acme', { 'team-a': 'viewer' }), true],
      ['team', member('acme', { 'team-b': 'owner' }), false],
      ['team', member('globex', { 'team-a': 'owner' }), false],
      ['tenant', member('acme'), true],
      ['tenant', member('globex'), false],
      ['public', member('globex'), true],
      ['team', admin, true],
    ];
    for (const [visibility, principal, expected] of cases) expect(canSeeApi(principal, api(visibility))).toBe(expected);
  });

  it('answers 404 for what one may not see, 403 for a role too weak inside the tenant', () => {
    expect(statusOf(() => visibleApi(member('globex'), api('tenant'), 'a1'))).toBe(404);
    expect(statusOf(() => manageableApi(member('globex'), api('public'), 'a1', 'admin'))).toBe(404);
    expect(statusOf(() => manageableApi(member('acme', { 'team-a': 'developer' }), api('team'), 'a1', 'admin'))).toBe(403);
    expect(statusOf(() => manageableApi(member('acme', { 'team-a': 'admin' }), api('team'), 'a1', 'admin'))).toBe(200);
    expect(statusOf(() => manageableApi(admin, api('team'), 'a1', 'owner'))).toBe(200);
  });

  it('lets only platform admins name another tenant', () => {
    expect(targetTenant(admin, 'globex')).toBe('globex');
    expect(targetTenant(admin, undefined)).toBeNull();
    expect(targetTenant(member('acme'), 'acme')).toBe('acme');
    expect(statusOf(() => targetTenant(member('acme'), 'globex'))).toBe(404);
  });
});

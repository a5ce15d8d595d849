import type { AdminPrincipal, TeamRole } from '@gatehouse/auth';
import { describe, expect, it } from 'vitest';
import { manageableResource, readableResource } from './ai-access';

const principal = (tenantId: string, teams: Record<string, TeamRole> = {}, platformAdmin = false): AdminPrincipal => ({
  subject: 'm',
  tenantId,
  teams: new Map(Object.entries(teams)),
  platformAdmin,
  scopes: new Set(),
  via: 'token',
  clientId: null,
});
const model = { id: 'm1', tenantId: 'acme', teamId: 'ml' };

describe('AI resource access', () => {
  it('lets the whole tenant read and hides the resource from other tenants as if it did not exist', () => {
    expect(readableResource(principal('acme'), model, 'AI model', 'm1')).toBe(model);
    expect(() => readableResource(principal('globex', { ml: 'owner' }), model, 'AI model', 'm1')).toThrow('AI model m1 not found');
    expect(() => readableResource(principal('acme'), null, 'AI model', 'm1')).toThrow('AI model m1 not found');
    expect(readableResource(principal('platform', {}, true), model, 'AI model', 'm1')).toBe(model);
  });

  it('needs the admin role in the owning team to change it: 403 inside the tenant, 404 outside', () => {
    expect(manageableResource(principal('acme', { ml: 'admin' }), model, 'AI model', 'm1')).toBe(model);
    expect(() => manageableResource(principal('acme', { ml: 'developer' }), model, 'AI model', 'm1')).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => manageableResource(principal('acme', { other: 'owner' }), model, 'AI model', 'm1')).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => manageableResource(principal('globex', { ml: 'owner' }), model, 'AI model', 'm1')).toThrow(expect.objectContaining({ status: 404 }));
  });
});

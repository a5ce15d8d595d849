import 'reflect-metadata';
import { type ExecutionContext, Module, UnauthorizedException } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { NestFactory } from '@nestjs/core';
import { describe, expect, it } from 'vitest';
import { ADMIN_BOOTSTRAP_SECRET, ADMIN_TOKEN_VERIFIER, AdminAuthGuard } from './admin-auth.guard';
import { ADMIN_AUDIENCE, type AdminPrincipal, canAccessTenant, canAdministerTeam } from './admin-principal';
import { Principal } from './principal.decorator';
import { claims, keyState, signToken, testKey } from './testing/token-factory';
import { verifierFixture } from './testing/verifier-fixture';

const BOOTSTRAP = 'bootstrap-secret-for-unit-tests-0123456789';

function setup(bootstrap: string | null = BOOTSTRAP) {
  const fixture = verifierFixture();
  const key = testKey('ES256');
  fixture.keys.apply(keyState(key), key.kid);
  const guard = new AdminAuthGuard(fixture.verifier, bootstrap);
  const call = (authorization?: string | string[]) => {
    const request: { headers: Record<string, unknown>; principal?: AdminPrincipal } = { headers: authorization === undefined ? {} : { authorization } };
    const headers: Record<string, string> = {};
    const response = { setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = value) };
    const context = { switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }) } as unknown as ExecutionContext;
    try {
      guard.canActivate(context);
      return { principal: request.principal!, headers, error: null };
    } catch (error) {
      return { principal: null, headers, error: error as UnauthorizedException };
    }
  };
  const adminToken = (extra: Record<string, unknown> = {}) => signToken(key, claims({ aud: [ADMIN_AUDIENCE], sub: 'member-1', ...extra }));
  return { call, adminToken };
}

describe('AdminAuthGuard', () => {
  it('attaches the principal of a valid admin token', () => {
    const { call, adminToken } = setup();
    const { principal } = call(`Bearer ${adminToken({ teams: [{ id: 'team-a', role: 'admin' }, { id: 'team-b', role: 'viewer' }], scope: 'admin:read' })}`);
    expect(principal).toMatchObject({ subject: 'member-1', tenantId: 'acme', platformAdmin: false, via: 'token' });
    expect([...principal!.teams]).toEqual([
      ['team-a', 'admin'],
      ['team-b', 'viewer'],
    ]);
    expect(principal!.scopes.has('admin:read')).toBe(true);
  });

  it('accepts the bootstrap secret as platform admin of the platform tenant', () => {
    const { call } = setup();
    expect(call(`Bearer ${BOOTSTRAP}`).principal).toMatchObject({ tenantId: 'platform', platformAdmin: true, via: 'bootstrap' });
    expect(call(`bearer  ${BOOTSTRAP}`).principal?.platformAdmin).toBe(true);
  });

  it('refuses the bootstrap secret when none is configured, or a near miss', () => {
    expect(setup(null).call(`Bearer ${BOOTSTRAP}`).error).toBeInstanceOf(UnauthorizedException);
    expect(setup().call(`Bearer ${BOOTSTRAP}x`).error).toBeInstanceOf(UnauthorizedException);
  });

  it('answers 401 with a Bearer challenge for a token of another audience', () => {
    const { call, adminToken } = setup();
    const { error, headers } = call(`Bearer ${adminToken({ aud: 'https://api.example.test' })}`);
    expect(error?.getStatus()).toBe(401);
    expect(error?.getResponse()).toMatchObject({ code: 'ERR_TOKEN_AUDIENCE' });
    expect(headers['www-authenticate']).toBe('Bearer realm="gatehouse-admin", error="invalid_token", error_description="The token is not meant for this audience"');
  });

  it('answers 401 without an error code when no credentials are sent', () => {
    const { call } = setup();
    const { error, headers } = call();
    expect(error?.getStatus()).toBe(401);
    expect(headers['www-authenticate']).toBe('Bearer realm="gatehouse-admin"');
  });

  it.each([['Basic dXNlcjpwYXNz'], ['Bearer'], ['Bearer a b'], [['Bearer a', 'Bearer b']]])('refuses the Authorization header %s as invalid_token', (header) => {
    const { call } = setup();
    const { error, headers } = call(header);
    expect(error?.getStatus()).toBe(401);
    expect(headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('never echoes the presented token', () => {
    const { call, adminToken } = setup();
    const token = adminToken({ exp: 1 });
    const { error, headers } = call(`Bearer ${token}`);
    expect(JSON.stringify(error?.getResponse())).not.toContain(token.slice(0, 20));
    expect(headers['www-authenticate']).not.toContain(token.slice(0, 20));
  });

  it('refuses malformed teams and platform_admin outside the platform tenant', () => {
    const { call, adminToken } = setup();
    expect(call(`Bearer ${adminToken({ teams: [{ id: 'a', role: 'superuser' }] })}`).error?.getResponse()).toMatchObject({ code: 'ERR_TOKEN_CLAIMS' });
    expect(call(`Bearer ${adminToken({ teams: 'a' })}`).error).toBeInstanceOf(UnauthorizedException);
    expect(call(`Bearer ${adminToken({ platform_admin: true })}`).error?.getResponse()).toMatchObject({ code: 'ERR_TOKEN_CLAIMS' });
    expect(call(`Bearer ${adminToken({ platform_admin: true, tenant: 'platform' })}`).principal?.platformAdmin).toBe(true);
    expect(call(`Bearer ${adminToken({ platform_admin: 'true', tenant: 'platform' })}`).principal?.platformAdmin).toBe(false);
  });

  it('refuses a weak bootstrap secret at construction', () => {
    expect(() => setup('short')).toThrow(/at least 16 characters/);
    expect(() => setup('has spaces in it, which bearer tokens cannot')).toThrow(/ADMIN_BOOTSTRAP_TOKEN/);
  });

  it('is wired by Nest from the ADMIN_TOKEN_VERIFIER and ADMIN_BOOTSTRAP_SECRET providers', async () => {
    const { verifier } = verifierFixture();
    @Module({ providers: [{ provide: ADMIN_TOKEN_VERIFIER, useValue: verifier }, { provide: ADMIN_BOOTSTRAP_SECRET, useValue: BOOTSTRAP }, AdminAuthGuard] })
    class AuthTestModule {}
    const app = await NestFactory.createApplicationContext(AuthTestModule, { logger: false });
    try {
      expect(app.get(AdminAuthGuard)).toBeInstanceOf(AdminAuthGuard);
    } finally {
      await app.close();
    }
  });
});

describe('admin principal helpers', () => {
  const member: AdminPrincipal = { subject: 'm', tenantId: 'acme', teams: new Map([['t1', 'developer'] as const]), platformAdmin: false, scopes: new Set(), via: 'token', clientId: 'c' };

  it('grants team administration by minimum role', () => {
    expect(canAdministerTeam(member, 't1', 'developer')).toBe(true);
    expect(canAdministerTeam(member, 't1', 'viewer')).toBe(true);
    expect(canAdministerTeam(member, 't1')).toBe(false);
    expect(canAdministerTeam(member, 't2', 'viewer')).toBe(false);
    expect(canAdministerTeam({ ...member, platformAdmin: true }, 't2', 'owner')).toBe(true);
  });

  it('scopes tenants', () => {
    expect(canAccessTenant(member, 'acme')).toBe(true);
    expect(canAccessTenant(member, 'globex')).toBe(false);
    expect(canAccessTenant({ ...member, platformAdmin: true }, 'globex')).toBe(true);
  });

  it('@Principal() reads the principal the guard attached and refuses when there is none', () => {
    class Controller {
      handle(@Principal() _principal: AdminPrincipal) {}
    }
    const metadata = Reflect.getMetadata(ROUTE_ARGS_METADATA, Controller, 'handle') as Record<string, { factory: (data: unknown, context: ExecutionContext) => unknown }>;
    const { factory } = Object.values(metadata)[0]!;
    const contextFor = (request: object) => ({ switchToHttp: () => ({ getRequest: () => request }) }) as unknown as ExecutionContext;
    expect(factory(undefined, contextFor({ principal: member }))).toBe(member);
    expect(() => factory(undefined, contextFor({}))).toThrow(UnauthorizedException);
  });
});

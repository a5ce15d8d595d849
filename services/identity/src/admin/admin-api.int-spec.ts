import { createHash } from 'node:crypto';
import { ApiKeyStateV1, ApplicationChangedV1, ApplicationStateV1, CredentialChangedV1, RevocationStateV1, TeamChangedV1, TenantChangedV1 } from '@gatehouse/contracts';
import type { TopicCollector } from '@gatehouse/testing';
import { validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IdentityHarness, makeKey, pollUntil, startIdentity } from '../../test/identity-harness';
import { BootstrapService } from '../bootstrap/bootstrap.service';

interface TenantWorld {
  tenantId: string;
  teamId: string;
  ownerId: string;
  viewerId: string;
  ownerToken: string;
  viewerToken: string;
  applicationId: string;
  credentialId: string;
  apiKeyId: string;
}

describe('admin API', () => {
  let harness: IdentityHarness;
  let events: TopicCollector;
  let acme: TenantWorld;
  let globex: TenantWorld;

  async function login(email: string, password: string): Promise<string> {
    const response = await fetch(`${harness.baseUrl}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', client_id: 'gatehouse-cli', username: email, password }),
    });
    const body = (await response.json()) as { access_token: string };
    if (response.status !== 200) throw new Error(`login ${email}: ${JSON.stringify(body)}`);
    return body.access_token;
  }

  async function ok(call: Promise<{ status: number; body: any }>, status = 201) {
    const answer = await call;
    if (answer.status !== status) throw new Error(`expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  async function world(tenantId: string): Promise<TenantWorld> {
    if (tenantId !== 'acme') await ok(harness.admin('POST', '/admin/tenants', { id: tenantId, name: tenantId }));
    const team = await ok(harness.admin('POST', `/admin/tenants/${tenantId}/teams`, { name: 'core' }));
    const password = 'correct horse battery staple';
    const owner = await ok(harness.admin('POST', `/admin/tenants/${tenantId}/members`, { email: `owner@${tenantId}.test`, displayName: 'Owner', password, teams: [{ teamId: team.id, role: 'owner' }] }));
    const viewer = await ok(harness.admin('POST', `/admin/tenants/${tenantId}/members`, { email: `viewer@${tenantId}.test`, displayName: 'Viewer', password, teams: [{ teamId: team.id, role: 'viewer' }] }));
    const ownerToken = await login(`owner@${tenantId}.test`, password);
    const application = await ok(harness.admin('POST', `/admin/tenants/${tenantId}/applications`, { teamId: team.id, name: 'billing', allowedScopes: ['read'] }, ownerToken));
    const secret = await ok(harness.admin('POST', `/admin/tenants/${tenantId}/applications/${application.id}/credentials/secrets`, {}, ownerToken));
    const apiKey = await ok(harness.admin('POST', `/admin/tenants/${tenantId}/applications/${application.id}/api-keys`, { scopes: ['read'] }, ownerToken));
    return {
      tenantId,
      teamId: team.id,
      ownerId: owner.id,
      viewerId: viewer.id,
      ownerToken,
      viewerToken: await login(`viewer@${tenantId}.test`, password),
      applicationId: application.id,
      credentialId: secret.id,
      apiKeyId: apiKey.id,
    };
  }

  beforeAll(async () => {
    harness = await startIdentity('identity-admin');
    await harness.publishKey(makeKey('ES256'));
    await harness.waitReady();
    events = await harness.collect([TenantChangedV1, ApplicationStateV1, ApiKeyStateV1, RevocationStateV1]);
    acme = await world('acme');
    globex = await world('globex');
  });
  afterAll(async () => harness?.close());

  it('answers 404 on every endpoint for resources of another tenant', async () => {
    const g = globex;
    const a = acme;
    const app = `/admin/tenants/${g.tenantId}/applications/${g.applicationId}`;
    const crossPath = `/admin/tenants/${a.tenantId}/applications/${g.applicationId}`;
    const calls: Array<[string, string, unknown?]> = [
      ['GET', `/admin/tenants/${g.tenantId}`],
      ['PATCH', `/admin/tenants/${g.tenantId}`, { name: 'taken over' }],
      ['GET', `/admin/tenants/${g.tenantId}/teams`],
      ['POST', `/admin/tenants/${g.tenantId}/teams`, { name: 'intruders' }],
      ['GET', `/admin/tenants/${g.tenantId}/teams/${g.teamId}`],
      ['PATCH', `/admin/tenants/${g.tenantId}/teams/${g.teamId}`, { name: 'renamed' }],
      ['DELETE', `/admin/tenants/${g.tenantId}/teams/${g.teamId}`],
      ['GET', `/admin/tenants/${g.tenantId}/teams/${g.teamId}/members`],
      ['PUT', `/admin/tenants/${g.tenantId}/teams/${g.teamId}/members/${g.viewerId}`, { role: 'owner' }],
      ['DELETE', `/admin/tenants/${g.tenantId}/teams/${g.teamId}/members/${g.viewerId}`],
      ['GET', `/admin/tenants/${a.tenantId}/teams/${g.teamId}`],
      ['GET', `/admin/tenants/${a.tenantId}/teams/${g.teamId}/members`],
      ['PUT', `/admin/tenants/${a.tenantId}/teams/${a.teamId}/members/${g.viewerId}`, { role: 'admin' }],
      ['GET', `/admin/tenants/${g.tenantId}/members`],
      ['POST', `/admin/tenants/${g.tenantId}/members`, { email: 'mole@globex.test', displayName: 'Mole', password: 'long enough password' }],
      ['GET', `/admin/tenants/${g.tenantId}/members/${g.ownerId}`],
      ['PATCH', `/admin/tenants/${g.tenantId}/members/${g.ownerId}`, { status: 'disabled' }],
      ['DELETE', `/admin/tenants/${g.tenantId}/members/${g.viewerId}`],
      ['GET', `/admin/tenants/${a.tenantId}/members/${g.ownerId}`],
      ['DELETE', `/admin/tenants/${a.tenantId}/members/${g.viewerId}`],
      ['GET', `/admin/tenants/${g.tenantId}/applications`],
      ['POST', `/admin/tenants/${g.tenantId}/applications`, { teamId: g.teamId, name: 'mole' }],
      ['POST', `/admin/tenants/${a.tenantId}/applications`, { teamId: g.teamId, name: 'mole' }],
      ['GET', app],
      ['PATCH', app, { name: 'renamed' }],
      ['POST', `${app}/suspend`],
      ['POST', `${app}/reactivate`],
      ['POST', `${app}/revoke-tokens`],
      ['GET', `${app}/subscriptions`],
      ['DELETE', app],
      ['GET', crossPath],
      ['POST', `${crossPath}/suspend`],
      ['DELETE', crossPath],
      ['GET', `${app}/credentials`],
      ['POST', `${app}/credentials/secrets`, {}],
      ['POST', `${app}/credentials/jwks`, { jwks: { keys: [makeKey('ES256').publicJwk] } }],
      ['DELETE', `${app}/credentials/${g.credentialId}`],
      ['GET', `${crossPath}/credentials`],
      ['POST', `${crossPath}/credentials/secrets`, {}],
      ['DELETE', `${crossPath}/credentials/${g.credentialId}`],
      ['GET', `${app}/api-keys`],
      ['POST', `${app}/api-keys`, {}],
      ['DELETE', `${app}/api-keys/${g.apiKeyId}`],
      ['GET', `${crossPath}/api-keys`],
      ['DELETE', `${crossPath}/api-keys/${g.apiKeyId}`],
    ];
    for (const [method, path, body] of calls) {
      const answer = await harness.admin(method, path, body, a.ownerToken);
      expect({ method, path, status: answer.status, error: answer.body?.error }).toEqual({ method, path, status: 404, error: 'not_found' });
    }
    const listed = await harness.admin('GET', '/admin/tenants', undefined, a.ownerToken);
    expect(listed.body.items.map((tenant: { id: string }) => tenant.id)).toEqual(['acme']);
    const untouched = await harness.admin('GET', app, undefined, g.ownerToken);
    expect(untouched.body).toMatchObject({ status: 'active', name: 'billing' });
    expect((await harness.admin('GET', `${app}/api-keys`, undefined, g.ownerToken)).body.items[0].revokedAt).toBeNull();
  });

  it('requires authentication and enforces team roles inside a tenant', async () => {
    expect((await harness.admin('GET', '/admin/tenants', undefined, 'not-a-token')).status).toBe(401);
    const anonymous = await fetch(`${harness.baseUrl}/admin/tenants`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const app = `/admin/tenants/acme/applications/${acme.applicationId}`;
    expect((await harness.admin('GET', app, undefined, acme.viewerToken)).status).toBe(200);
    expect((await harness.admin('POST', '/admin/tenants/acme/applications', { teamId: acme.teamId, name: 'x' }, acme.viewerToken)).status).toBe(403);
    expect((await harness.admin('POST', `${app}/suspend`, undefined, acme.viewerToken)).status).toBe(403);
    expect((await harness.admin('POST', `${app}/credentials/secrets`, {}, acme.viewerToken)).status).toBe(403);
    expect((await harness.admin('POST', '/admin/tenants', { id: 'initech', name: 'Initech' }, acme.ownerToken)).status).toBe(403);
    expect((await harness.admin('PUT', `/admin/tenants/acme/teams/${acme.teamId}/members/${acme.ownerId}`, { role: 'viewer' }, acme.ownerToken)).status).toBe(409);
  });

  it('lets a developer create applications and secrets but not suspend or change them, and an admin suspend but not delete the team', async () => {
    const password = 'correct horse battery staple';
    const memberWith = async (role: 'developer' | 'admin') => {
      const email = `${role}@acme.test`;
      await ok(harness.admin('POST', '/admin/tenants/acme/members', { email, displayName: role, password, teams: [{ teamId: acme.teamId, role }] }));
      return login(email, password);
    };
    const developerToken = await memberWith('developer');
    const adminToken = await memberWith('admin');
    const status = async (method: string, path: string, token: string, body?: unknown) => (await harness.admin(method, path, body, token)).status;

    const application = await ok(harness.admin('POST', '/admin/tenants/acme/applications', { teamId: acme.teamId, name: 'boundaries' }, developerToken));
    const app = `/admin/tenants/acme/applications/${application.id}`;
    expect(await status('POST', `${app}/credentials/secrets`, developerToken, {})).toBe(201);
    expect(await status('POST', `${app}/api-keys`, developerToken, {})).toBe(201);
    expect(await status('POST', `${app}/suspend`, developerToken)).toBe(403);
    expect(await status('POST', `${app}/revoke-tokens`, developerToken)).toBe(403);
    expect(await status('PATCH', app, developerToken, { name: 'renamed' })).toBe(403);
    expect(await status('DELETE', app, developerToken)).toBe(403);
    expect(await status('PUT', `/admin/tenants/acme/teams/${acme.teamId}/members/${acme.viewerId}`, developerToken, { role: 'developer' })).toBe(403);

    expect(await status('POST', `${app}/suspend`, adminToken)).toBe(200);
    expect(await status('POST', `${app}/reactivate`, adminToken)).toBe(200);
    expect(await status('PATCH', app, adminToken, { name: 'renamed' })).toBe(200);
    expect(await status('DELETE', `/admin/tenants/acme/teams/${acme.teamId}`, adminToken)).toBe(403);
    expect(await status('PATCH', `/admin/tenants/acme/teams/${acme.teamId}`, adminToken, { name: 'taken over' })).toBe(403);
    expect(await status('PUT', `/admin/tenants/acme/teams/${acme.teamId}/members/${acme.viewerId}`, adminToken, { role: 'owner' })).toBe(403);
    expect(await status('DELETE', app, adminToken)).toBe(204);
    expect((await harness.admin('GET', `/admin/tenants/acme/teams/${acme.teamId}`, undefined, acme.ownerToken)).body.name).toBe('core');
  });

  it('validates admin bodies with precise 400s', async () => {
    const bad = await harness.admin('POST', '/admin/tenants/acme/applications', { teamId: acme.teamId, name: '', allowedScopes: ['has space'] }, acme.ownerToken);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('invalid_request');
    expect(bad.body.message).toMatch(/name/);
    const privateKey = { ...makeKey('ES256').privateJwk, kid: 'x' };
    const jwks = await harness.admin('POST', `/admin/tenants/acme/applications/${acme.applicationId}/credentials/jwks`, { jwks: { keys: [privateKey] } }, acme.ownerToken);
    expect(jwks.status).toBe(400);
    expect(jwks.body.message).toMatch(/only public keys/);
  });

  it('publishes directory changes through the outbox, never a secret', async () => {
    const secret = await ok(harness.admin('POST', `/admin/tenants/acme/applications/${acme.applicationId}/credentials/secrets`, {}, acme.ownerToken));
    const key = await ok(harness.admin('POST', `/admin/tenants/acme/applications/${acme.applicationId}/api-keys`, { scopes: ['read'] }, acme.ownerToken));
    expect(key.apiKey).toMatch(/^gh_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    expect(key.apiKey.startsWith(`${key.prefix}_`)).toBe(true);
    const records = await events.waitFor((all) => all.some((record) => record.key === key.id), 'the API key state');
    const state = records.find((record) => record.key === key.id)!;
    expect(state.envelope?.data).toMatchObject({ apiKeyId: key.id, applicationId: acme.applicationId, prefix: key.prefix, hash: createHash('sha256').update(key.apiKey).digest('hex'), scopes: ['read'] });
    expect(events.ofType(TenantChangedV1).map((envelope) => envelope.data.tenantId)).toEqual(expect.arrayContaining(['platform', 'acme', 'globex']));
    const application = events.ofType(ApplicationStateV1).find((envelope) => envelope.data.applicationId === acme.applicationId)!;
    expect(application.data).toMatchObject({ tenantId: 'acme', teamId: acme.teamId, status: 'active', allowedScopes: ['read'] });
    const everything = JSON.stringify(events.messages);
    expect(everything).not.toContain(secret.clientSecret);
    expect(everything).not.toContain(key.apiKey);
    const changes = await harness.collect([ApplicationChangedV1, TeamChangedV1, CredentialChangedV1]);
    await changes.waitFor(
      (all) =>
        all.some((record) => record.envelope?.type === CredentialChangedV1.type && record.envelope.data.credentialId === secret.id && record.envelope.data.kind === 'client_secret') &&
        all.some((record) => record.envelope?.type === TeamChangedV1.type && record.envelope.data.teamId === acme.teamId) &&
        all.some((record) => record.envelope?.type === ApplicationChangedV1.type && record.envelope.data.applicationId === acme.applicationId && record.envelope.data.change === 'created'),
      'application, team and credential events',
    );
    expect(JSON.stringify(changes.messages)).not.toContain(secret.clientSecret);
  });

  it('suspending an application revokes its tokens and hides its API keys; deleting tombstones it', async () => {
    const team = await ok(harness.admin('POST', '/admin/tenants/acme/teams', { name: 'lifecycle' }));
    const app = await ok(harness.admin('POST', '/admin/tenants/acme/applications', { teamId: team.id, name: 'doomed' }));
    const secret = await ok(harness.admin('POST', `/admin/tenants/acme/applications/${app.id}/credentials/secrets`, {}));
    const key = await ok(harness.admin('POST', `/admin/tenants/acme/applications/${app.id}/api-keys`, {}));
    await harness.publishApi({ apiId: 'api-lifecycle', tenantId: 'acme', teamId: 't', audience: 'https://lifecycle.api.test', scopes: [] });
    await harness.publishSubscription({ applicationId: app.id, apiId: 'api-lifecycle', audience: 'https://lifecycle.api.test', tenantId: 'acme' });
    const basic = `Basic ${Buffer.from(`${app.id}:${secret.clientSecret}`).toString('base64')}`;
    const request = (path: string, body: Record<string, string>) =>
      fetch(`${harness.baseUrl}${path}`, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body) });
    const issued = await pollUntil(async () => {
      const response = await request('/oauth2/token', { grant_type: 'client_credentials', resource: 'https://lifecycle.api.test' });
      return response.status === 200 && ((await response.json()) as { access_token: string });
    }, 'a token');

    const suspended = await ok(harness.admin('POST', `/admin/tenants/acme/applications/${app.id}/suspend`), 200);
    expect(suspended.status).toBe('suspended');
    expect((await request('/oauth2/token', { grant_type: 'client_credentials', resource: 'https://lifecycle.api.test' })).status).toBe(401);
    await events.waitFor(
      (all) =>
        all.some((record) => record.key === `app:${app.id}` && record.envelope?.data.kind === 'application' && record.envelope.data.issuedBefore) &&
        all.some((record) => record.key === app.id && record.envelope?.data.status === 'suspended') &&
        all.some((record) => record.key === key.id && record.value === null),
      'suspension state, revocation and API key tombstone',
    );
    await ok(harness.admin('POST', `/admin/tenants/acme/applications/${app.id}/reactivate`), 200);
    await events.waitFor((all) => all.filter((record) => record.key === key.id && record.value !== null).length === 2, 'the API key republished');
    const introspection = await request('/oauth2/introspect', { token: issued.access_token });
    expect(await introspection.json()).toEqual({ active: false });

    expect((await harness.admin('DELETE', `/admin/tenants/acme/applications/${app.id}`)).status).toBe(204);
    expect((await harness.admin('GET', `/admin/tenants/acme/applications/${app.id}`)).status).toBe(404);
    await events.waitFor((all) => all.some((record) => record.key === app.id && record.value === null), 'the application tombstone');
  });

  it('serves a valid OpenAPI document', async () => {
    const document = (await (await fetch(`${harness.baseUrl}/docs/openapi.json`)).json()) as { paths: Record<string, unknown> };
    const result = await validate(structuredClone(document) as never, { resolve: { external: false }, validate: { errors: { colorize: false } } });
    expect(result.valid ? [] : result.errors.map((error) => error.message)).toEqual([]);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/oauth2/token', '/oauth2/introspect', '/oauth2/revoke', '/admin/tenants/{tenantId}/applications/{applicationId}/credentials/secrets', '/admin/tenants/{tenantId}/teams/{teamId}/members/{memberId}']),
    );
  });

  it('bootstraps idempotently', async () => {
    await harness.app.get(BootstrapService).onApplicationBootstrap();
    const members = await harness.admin('GET', '/admin/tenants/platform/members');
    expect(members.body.items.filter((member: { email: string }) => member.email === harness.adminEmail)).toHaveLength(1);
    expect((await harness.admin('GET', '/admin/tenants')).body.items.filter((tenant: { id: string }) => tenant.id === 'acme')).toHaveLength(1);
  });
});

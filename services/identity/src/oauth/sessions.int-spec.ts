import { RevocationStateV1, TokenRevokedV1 } from '@gatehouse/contracts';
import type { TopicCollector } from '@gatehouse/testing';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubscribedApplication, type TestApplication } from '../../test/directory-fixtures';
import { type IdentityHarness, makeKey, pollUntil, startIdentity } from '../../test/identity-harness';

const insecure = { execute: [oidc.allowInsecureRequests] };
const oauthError = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected an OAuth error');
    },
    (error: { error?: string; status?: number }) => error.error,
  );

describe('member sessions, refresh rotation, introspection, revocation and exchange (openid-client)', () => {
  let harness: IdentityHarness;
  let cli: oidc.Configuration;
  let app: TestApplication;
  let appConfig: oidc.Configuration;
  let events: TopicCollector;
  const audience = 'https://inventory.api.test';

  const login = () => oidc.genericGrantRequest(cli, 'password', { username: harness.adminEmail, password: harness.adminPassword });
  const tokenFor = (configuration: oidc.Configuration, resource: string) =>
    pollUntil(() => oidc.clientCredentialsGrant(configuration, { resource }).catch(() => null), `a token for ${resource}`);

  beforeAll(async () => {
    harness = await startIdentity('identity-sessions');
    await harness.publishKey(makeKey('ES256'));
    await harness.waitReady();
    events = await harness.collect([TokenRevokedV1, RevocationStateV1]);
    cli = await oidc.discovery(new URL(harness.baseUrl), 'gatehouse-cli', undefined, oidc.None(), insecure);
    app = await createSubscribedApplication(harness, { audience });
    appConfig = await oidc.discovery(new URL(harness.baseUrl), app.clientId, undefined, oidc.ClientSecretBasic(app.clientSecret), insecure);
  });
  afterAll(async () => harness?.close());

  it('logs a member in with the password grant of gatehouse-cli: an admin token the admin API accepts, plus a refresh token', async () => {
    const tokens = await login();
    expect(tokens.refresh_token).toMatch(/^ghr_/);
    const { payload } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(`${harness.baseUrl}/.well-known/jwks.json`)), {
      issuer: harness.baseUrl,
      audience: 'urn:gatehouse:admin',
      typ: 'at+jwt',
    });
    expect(payload).toMatchObject({ client_id: 'gatehouse-cli', tenant: 'platform', platform_admin: true, teams: [], exp: payload.iat! + 900 });
    const tenants = await harness.admin('GET', '/admin/tenants', undefined, tokens.access_token);
    expect(tenants.status).toBe(200);
    expect(tenants.body.items.map((tenant: { id: string }) => tenant.id)).toEqual(expect.arrayContaining(['platform', 'acme']));
  });

  it('refuses the password grant to any other client', async () => {
    expect(await oauthError(oidc.genericGrantRequest(appConfig, 'password', { username: harness.adminEmail, password: harness.adminPassword }))).toBe('unauthorized_client');
  });

  it('rotates refresh tokens and revokes the whole family when a spent one comes back', async () => {
    const first = await login();
    const second = await oidc.refreshTokenGrant(cli, first.refresh_token!);
    expect(second.refresh_token).toMatch(/^ghr_/);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    const third = await oidc.refreshTokenGrant(cli, second.refresh_token!);
    expect((await harness.admin('GET', '/admin/tenants/acme', undefined, third.access_token)).status).toBe(200);

    expect(await oauthError(oidc.refreshTokenGrant(cli, first.refresh_token!))).toBe('invalid_grant');
    expect(await oauthError(oidc.refreshTokenGrant(cli, third.refresh_token!))).toBe('invalid_grant');
    expect((await harness.admin('GET', '/admin/tenants/acme', undefined, third.access_token)).status).toBe(401);
    const jti = decodeJwt(third.access_token).jti;
    await events.waitFor((records) => records.some((record) => record.envelope?.type === RevocationStateV1.type && record.envelope.data.jti === jti), 'the family revocation on Kafka');
  });

  it("describes an access token to its own client and to the team owning its audience only, and refresh tokens to their own client", async () => {
    const access = await tokenFor(appConfig, audience);
    const described = await oidc.tokenIntrospection(appConfig, access.access_token);
    expect(described).toMatchObject({ active: true, client_id: app.clientId, sub: app.clientId, aud: audience, iss: harness.baseUrl, tenant: 'acme', token_type: 'Bearer' });

    const configFor = (other: TestApplication) => oidc.discovery(new URL(harness.baseUrl), other.clientId, undefined, oidc.ClientSecretBasic(other.clientSecret), insecure);
    const owner = await createSubscribedApplication(harness, { audience: 'https://owner-side.api.test' });
    const bystander = await createSubscribedApplication(harness, { audience: 'https://bystander-side.api.test' });
    const ownedAudience = 'https://owned-by-owner.api.test';
    const ownedApiId = `api-owned-${Date.now()}`;
    await harness.publishApi({ apiId: ownedApiId, tenantId: 'acme', teamId: owner.teamId, audience: ownedAudience, scopes: ['read'] });
    await harness.publishSubscription({ applicationId: app.clientId, apiId: ownedApiId, audience: ownedAudience, tenantId: 'acme', scopes: ['read'] });
    const forOwnedApi = await tokenFor(appConfig, ownedAudience);
    const [ownerConfig, bystanderConfig] = await Promise.all([configFor(owner), configFor(bystander)]);
    expect(await oidc.tokenIntrospection(ownerConfig, forOwnedApi.access_token)).toMatchObject({ active: true, client_id: app.clientId, aud: ownedAudience });
    expect(await oidc.tokenIntrospection(bystanderConfig, forOwnedApi.access_token)).toEqual({ active: false });
    expect(await oidc.tokenIntrospection(ownerConfig, access.access_token)).toEqual({ active: false });
    const session = await login();
    expect(await oidc.tokenIntrospection(appConfig, session.access_token)).toEqual({ active: false });

    expect(await oidc.tokenIntrospection(cli, session.refresh_token!)).toMatchObject({ active: true, token_type: 'refresh_token', client_id: 'gatehouse-cli' });
    expect(await oidc.tokenIntrospection(appConfig, session.refresh_token!)).toEqual({ active: false });
    expect(await oidc.tokenIntrospection(appConfig, 'not-a-token')).toEqual({ active: false });
  });

  it('revokes an access token by jti: RevocationStateV1 until its exp, and introspection turns inactive', async () => {
    const access = await tokenFor(appConfig, audience);
    const { jti, exp } = decodeJwt(access.access_token);
    await oidc.tokenRevocation(appConfig, access.access_token);
    expect(await oidc.tokenIntrospection(appConfig, access.access_token)).toEqual({ active: false });
    const records = await events.waitFor((all) => all.some((record) => record.envelope?.type === RevocationStateV1.type && record.envelope.data.jti === jti), 'the revocation record');
    const state = records.find((record) => record.envelope?.type === RevocationStateV1.type && record.envelope.data.jti === jti)!;
    expect(state.key).toBe(`jti:${jti}`);
    expect(state.envelope?.data).toMatchObject({ kind: 'token', tenantId: 'acme', applicationId: app.clientId, expiresAt: new Date(exp! * 1000).toISOString() });
    expect(events.ofType(TokenRevokedV1).some((envelope) => envelope.data.jti === jti)).toBe(true);
  });

  it('revokes a refresh token with its family', async () => {
    const session = await login();
    await oidc.tokenRevocation(cli, session.refresh_token!);
    expect(await oauthError(oidc.refreshTokenGrant(cli, session.refresh_token!))).toBe('invalid_grant');
    expect(await oidc.tokenIntrospection(cli, session.refresh_token!)).toEqual({ active: false });
  });

  it('ignores revocation requests for tokens of another client', async () => {
    const other = await createSubscribedApplication(harness, { audience: 'https://other.api.test' });
    const otherConfig = await oidc.discovery(new URL(harness.baseUrl), other.clientId, undefined, oidc.ClientSecretPost(other.clientSecret), insecure);
    const access = await tokenFor(appConfig, audience);
    await oidc.tokenRevocation(otherConfig, access.access_token);
    expect(await oidc.tokenIntrospection(appConfig, access.access_token)).toMatchObject({ active: true });
  });

  it('exchanges a token presented to an API for a downstream token of the API owner (RFC 8693)', async () => {
    const owner = await createSubscribedApplication(harness, { audience: 'https://downstream.api.test', apiScopes: ['read'] });
    await harness.publishApi({ apiId: 'api-frontline', tenantId: 'acme', teamId: owner.teamId, audience: 'https://frontline.api.test', scopes: ['read', 'write'] });
    await harness.publishSubscription({ applicationId: app.clientId, apiId: 'api-frontline', audience: 'https://frontline.api.test', tenantId: 'acme', scopes: ['read', 'write'] });
    const incoming = await pollUntil(() => oidc.clientCredentialsGrant(appConfig, { resource: 'https://frontline.api.test', scope: 'read' }).catch(() => null), 'the incoming token');
    const ownerConfig = await oidc.discovery(new URL(harness.baseUrl), owner.clientId, undefined, oidc.ClientSecretBasic(owner.clientSecret), insecure);
    const exchanged = await oidc.genericGrantRequest(ownerConfig, 'urn:ietf:params:oauth:grant-type:token-exchange', {
      subject_token: incoming.access_token,
      subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      resource: 'https://downstream.api.test',
    });
    expect(exchanged.issued_token_type).toBe('urn:ietf:params:oauth:token-type:access_token');
    const claims = decodeJwt(exchanged.access_token);
    expect(claims).toMatchObject({ sub: app.clientId, client_id: owner.clientId, aud: 'https://downstream.api.test', scope: 'read', act: { sub: owner.clientId } });
    const refused = await oauthError(
      oidc.genericGrantRequest(appConfig, 'urn:ietf:params:oauth:grant-type:token-exchange', {
        subject_token: incoming.access_token,
        subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        resource: audience,
      }),
    );
    expect(refused).toBe('invalid_grant');
  });
});

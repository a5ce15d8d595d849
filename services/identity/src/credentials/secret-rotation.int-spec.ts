import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubscribedApplication, type TestApplication } from '../../test/directory-fixtures';
import { type IdentityHarness, makeKey, pollUntil, startIdentity } from '../../test/identity-harness';
import { ManualClock } from '../common/clock';

const SECRET_FORMAT = /^ghs_[A-Za-z0-9_-]{43}$/;

describe('client secret rotation through openid-client', () => {
  let harness: IdentityHarness;
  let app: TestApplication;
  let credentialsPath: string;
  const clock = new ManualClock();
  const audience = 'https://rotation.api.test';

  const configuration = (secret: string) =>
    oidc.discovery(new URL(harness.baseUrl), app.clientId, undefined, oidc.ClientSecretPost(secret), { execute: [oidc.allowInsecureRequests] });
  const tokenWith = async (secret: string) => oidc.clientCredentialsGrant(await configuration(secret), { resource: audience });
  /** The OAuth error openid-client reports for a refused request (it throws ResponseBodyError). */
  const refusalOf = async (secret: string) => {
    const error = await tokenWith(secret).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(oidc.ResponseBodyError);
    const { status, error: code } = error as oidc.ResponseBodyError;
    return { status, error: code };
  };
  const newSecret = async (body: Record<string, string> = {}) => {
    const created = await harness.admin('POST', `${credentialsPath}/secrets`, body);
    expect(created.status).toBe(201);
    return created.body as { id: string; clientSecret: string; hint: string };
  };

  beforeAll(async () => {
    harness = await startIdentity('identity-secret-rotation', { clock });
    await harness.publishKey(makeKey('ES256'));
    await harness.waitReady();
    app = await createSubscribedApplication(harness, { audience });
    credentialsPath = `/admin/tenants/${app.tenantId}/applications/${app.clientId}/credentials`;
    await pollUntil(() => tokenWith(app.clientSecret).catch(() => null), 'the subscription');
  });
  afterAll(async () => harness?.close());

  it('serves two live secrets at once, refuses the revoked one and keeps the other working', async () => {
    const first = (await harness.admin('GET', credentialsPath)).body.items[0] as { id: string };
    const second = await newSecret();
    for (const secret of [app.clientSecret, second.clientSecret]) expect(secret).toMatch(SECRET_FORMAT);
    expect(second.clientSecret).not.toBe(app.clientSecret);
    expect(second.hint).toBe(second.clientSecret.slice(-4));

    for (const secret of [app.clientSecret, second.clientSecret]) {
      const tokens = await tokenWith(secret);
      expect(tokens.token_type).toBe('bearer');
      expect(tokens.access_token.split('.')).toHaveLength(3);
    }

    expect((await harness.admin('DELETE', `${credentialsPath}/${first.id}`)).status).toBe(204);
    expect(await refusalOf(app.clientSecret)).toEqual({ status: 401, error: 'invalid_client' });
    expect((await tokenWith(second.clientSecret)).access_token.split('.')).toHaveLength(3);
    expect((await harness.admin('DELETE', `${credentialsPath}/${first.id}`)).status).toBe(404);

    const listed = await harness.admin('GET', credentialsPath);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((item: { id: string; revokedAt: string | null }) => [item.id, item.revokedAt !== null])).toEqual([
      [first.id, true],
      [second.id, false],
    ]);
    for (const item of listed.body.items) expect(Object.keys(item).sort()).toEqual(['applicationId', 'createdAt', 'expiresAt', 'hint', 'id', 'kind', 'revokedAt']);
    const text = JSON.stringify(listed.body);
    for (const secret of [app.clientSecret, second.clientSecret]) expect(text).not.toContain(secret.slice(4, 20));
  });

  it('refuses a secret once it has expired, and one whose expiry is already past at creation', async () => {
    const expiring = await newSecret({ expiresAt: new Date(clock.now() + 60_000).toISOString() });
    expect(expiring.clientSecret).toMatch(SECRET_FORMAT);
    expect((await tokenWith(expiring.clientSecret)).access_token.split('.')).toHaveLength(3);
    clock.advance(61_000);
    expect(await refusalOf(expiring.clientSecret)).toEqual({ status: 401, error: 'invalid_client' });

    const past = await harness.admin('POST', `${credentialsPath}/secrets`, { expiresAt: new Date(clock.now() - 1_000).toISOString() });
    expect(past.status).toBe(400);
  });
});

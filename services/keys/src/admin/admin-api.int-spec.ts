import { randomUUID } from 'node:crypto';
import { eventually } from '@gatehouse/testing';
import { RevocationStateV1 } from '@gatehouse/contracts';
import { EventProducer } from '@gatehouse/messaging';
import { decodeJwt, importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KeysTestApp, KeysTestEnv, TOKEN_ISSUER } from '../../test/keys-test-harness';
import { ManualClock } from '../../test/manual-clock';

const SIGNING = 'platform-access-token-signing';

describe('admin API', () => {
  const env = new KeysTestEnv('admin');
  const clock = new ManualClock('2030-03-01T00:00:00.000Z');
  let app: KeysTestApp;
  let acmeSet: string;
  const tokens: Record<string, string> = {};

  const member = async (tenant: string, role: string) => {
    const [active] = (await app.http('GET', `/admin/key-sets/${SIGNING}/keys?state=active`)).body.keys;
    const privateJwk = await eventually(() => env.privateJwkFromTopic(active.kid), 'platform signing key on the state topic');
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ tenant, client_id: 'console', teams: [{ id: `${tenant}-team`, role }], scope: 'admin' })
      .setProtectedHeader({ alg: 'ES256', kid: active.kid, typ: 'at+jwt' })
      .setIssuer(TOKEN_ISSUER)
      .setSubject(`${role}@${tenant}`)
      .setAudience('urn:gatehouse:admin')
      .setJti(randomUUID())
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(await importJWK(privateJwk, 'ES256'));
  };

  beforeAll(async () => {
    app = await env.start({ clock });
    tokens.acmeAdmin = await member('acme', 'admin');
    tokens.acmeViewer = await member('acme', 'viewer');
    tokens.globexAdmin = await member('globex', 'owner');
  });
  afterAll(async () => {
    await env.cleanup();
  });

  describe('bad input gets a 400 or 404 that says exactly what is wrong', () => {
    const create = (body: unknown) => app.http('POST', '/admin/key-sets', { body });

    it('an unknown algorithm', async () => {
      const response = await create({ purpose: 'access-token-signing', tenantId: 'acme', alg: 'HS256' });
      expect(response.status).toBe(400);
      expect(response.body.message).toBe('alg "HS256" is not supported for access-token-signing key sets; use one of ES256, EdDSA, RS256, PS256');
    });

    it('an algorithm of the other purpose', async () => {
      const response = await create({ purpose: 'access-token-encryption', tenantId: 'acme', alg: 'ES256' });
      expect(response.body.message).toBe('alg "ES256" is not supported for access-token-encryption key sets; use one of ECDH-ES+A256KW, RSA-OAEP-256');
    });

    it('a lead time shorter than the JWKS cache lifetime', async () => {
      const response = await create({ purpose: 'access-token-signing', tenantId: 'acme', leadTimeSeconds: 120 });
      expect(response.status).toBe(400);
      expect(response.body.message).toBe(
        'leadTimeSeconds 120 is shorter than the JWKS cache lifetime of 300 seconds: a new key must be published at least that long before it is used',
      );
    });

    it('a retire window shorter than the longest token lifetime plus clock skew', async () => {
      const response = await app.http('PATCH', `/admin/key-sets/${SIGNING}/policy`, { body: { retireWindowSeconds: 900 } });
      expect(response.status).toBe(400);
      expect(response.body.message).toBe(
        'retireWindowSeconds 900 is shorter than the longest token lifetime plus clock skew (900 + 30 = 930 seconds): tokens signed just before retirement must stay verifiable',
      );
    });

    it('malformed fields, unknown fields and an empty patch', async () => {
      expect((await create({ purpose: 'signing', tenantId: 'acme' })).body.message).toBe('purpose: purpose must be one of access-token-signing, access-token-encryption');
      expect((await create({ purpose: 'access-token-signing', tenantId: 'acme', rotationPeriodSeconds: 1.5 })).body.message).toBe(
        'rotationPeriodSeconds: rotationPeriodSeconds must be a whole number of seconds',
      );
      expect((await create({ purpose: 'access-token-signing', tenantId: 'acme', colour: 'red' })).body.message).toBe('(body): Unrecognized key: "colour"');
      expect((await app.http('PATCH', `/admin/key-sets/${SIGNING}/policy`, { body: {} })).body.message).toBe('(body): give at least one policy field to change');
      expect((await create({ purpose: 'access-token-signing' })).body.message).toBe('tenantId is required: the platform sets exist already; name the tenant the set is for');
    });

    it('an unknown set or key', async () => {
      const set = await app.http('GET', '/admin/key-sets/ks-nope');
      expect(set.status).toBe(404);
      expect(set.body).toMatchObject({ error: 'not_found', message: 'key set ks-nope not found', errorId: expect.any(String) });
      const key = await app.http('GET', `/admin/key-sets/${SIGNING}/keys/no-such-kid`);
      expect(key.status).toBe(404);
      expect(key.body.message).toBe(`key no-such-kid in key set ${SIGNING} not found`);
      const revoke = await app.http('POST', `/admin/key-sets/${SIGNING}/keys/no-such-kid/revoke`, { body: { reason: 'x' } });
      expect(revoke.body.message).toBe(`key no-such-kid in key set ${SIGNING} not found`);
      expect((await app.http('POST', `/admin/key-sets/${SIGNING}/keys/no-such-kid/revoke`, { body: {} })).body.message).toBe('reason: reason is required: say why the key is revoked');
    });

    it('no credentials or a wrong one', async () => {
      const missing = await app.http('GET', '/admin/key-sets', { token: null });
      expect(missing.status).toBe(401);
      expect(missing.headers.get('www-authenticate')).toContain('Bearer');
      expect((await app.http('GET', '/admin/key-sets', { token: 'not-the-bootstrap-token-at-all' })).status).toBe(401);
    });
  });

  it('creates a tenant set whose first key is pre-published, then replaces the platform signing keys in the tenant JWKS', async () => {
    const sigKids = async (path: string) =>
      ((await app.http('GET', path, { token: null })).body.keys as Array<{ kid: string; use: string }>).filter((key) => key.use === 'sig').map((key) => key.kid).sort();
    const platformKids = await sigKids('/.well-known/jwks.json');
    const created = clock.now();
    const response = await app.http('POST', '/admin/key-sets', { body: { purpose: 'access-token-signing', tenantId: 'acme', alg: 'EdDSA', rotationPeriodSeconds: 7200 } });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ tenantId: 'acme', purpose: 'access-token-signing', policy: { alg: 'EdDSA', rotationPeriodSeconds: 7200, leadTimeSeconds: 600, retireWindowSeconds: 930 } });
    acmeSet = response.body.id;
    // the first key waits one lead time in every JWKS cache before it signs anything
    expect(response.body.activeKid).toBeNull();
    expect(response.body.keys).toEqual([expect.objectContaining({ state: 'pending', alg: 'EdDSA', activatesAt: new Date(created.getTime() + 600_000).toISOString() })]);
    const first = response.body.keys[0].kid as string;
    const again = await app.http('POST', '/admin/key-sets', { body: { purpose: 'access-token-signing', tenantId: 'acme' } });
    expect(again.status).toBe(409);
    expect(again.body.message).toBe(`tenant acme already has an access-token-signing key set (${acmeSet}); change its policy instead`);

    // meanwhile the tenant's tokens are still signed with the platform key: the tenant JWKS lists both
    expect(await sigKids('/tenants/acme/.well-known/jwks.json')).toEqual([first, ...platformKids].sort());
    expect((await app.http('GET', '/tenants/acme/.well-known/jwks.json', { token: null })).body.keys.filter((key: any) => key.use === 'enc')).toHaveLength(2);
    expect(await sigKids('/.well-known/jwks.json')).toEqual(platformKids);
    expect((await app.http('GET', '/health/ready', { token: null })).status).toBe(200);
    clock.advance(599);
    await app.tick();
    expect((await app.http('GET', `/admin/key-sets/${acmeSet}`)).body.activeKid).toBeNull();

    clock.advance(1);
    await app.tick();
    const activated = (await app.http('GET', `/admin/key-sets/${acmeSet}/keys`)).body.keys;
    expect(activated.map((key: any) => [key.kid === first ? 'first' : 'next', key.state])).toEqual([
      ['first', 'active'],
      ['next', 'pending'],
    ]);
    await eventually(() => env.transitions().find((event) => event.kid === first && event.to === 'active'), 'first activation event');
    // platform-signed tokens of the tenant stay verifiable through the platform's retire window, then the platform keys leave
    const next = activated.find((key: any) => key.state === 'pending').kid;
    expect(await sigKids('/tenants/acme/.well-known/jwks.json')).toEqual([first, next, ...platformKids].sort());
    clock.advance(929);
    expect(await sigKids('/tenants/acme/.well-known/jwks.json')).toEqual([first, next, ...platformKids].sort());
    clock.advance(1);
    expect(await sigKids('/tenants/acme/.well-known/jwks.json')).toEqual([first, next].sort());
    const tenantJwks = (await app.http('GET', '/tenants/acme/.well-known/jwks.json', { token: null })).body.keys;
    expect(tenantJwks.filter((key: any) => key.use === 'sig').map((key: any) => key.alg)).toEqual(['EdDSA', 'EdDSA']);
    expect(await sigKids('/.well-known/jwks.json')).toEqual(platformKids);
  });

  it('gives a member of another tenant 404 on every endpoint touching the set', async () => {
    const token = tokens.globexAdmin!;
    const [acmeKey] = (await app.http('GET', `/admin/key-sets/${acmeSet}/keys`)).body.keys;
    const calls: Array<[string, string, unknown?]> = [
      ['GET', `/admin/key-sets/${acmeSet}`],
      ['PATCH', `/admin/key-sets/${acmeSet}/policy`, { rotationPeriodSeconds: 9000 }],
      ['GET', `/admin/key-sets/${acmeSet}/keys`],
      ['GET', `/admin/key-sets/${acmeSet}/keys/${acmeKey.kid}`],
      ['POST', `/admin/key-sets/${acmeSet}/rotate`],
      ['POST', `/admin/key-sets/${acmeSet}/keys/${acmeKey.kid}/revoke`, { reason: 'hostile' }],
      ['GET', `/admin/audit?keySetId=${acmeSet}`],
      ['GET', '/admin/key-sets?tenant=acme'],
      ['GET', '/admin/audit?tenant=acme'],
      ['POST', '/admin/key-sets', { purpose: 'access-token-encryption', tenantId: 'acme' }],
    ];
    for (const [method, path, body] of calls) {
      const response = await app.http(method, path, { token, body });
      expect({ call: `${method} ${path}`, status: response.status }).toEqual({ call: `${method} ${path}`, status: 404 });
    }
    expect((await app.http('GET', `/admin/key-sets/${SIGNING}`, { token })).status).toBe(404);
    expect((await app.http('GET', '/admin/key-sets', { token })).body.keySets).toEqual([]);
    const masterKey = await app.http('POST', '/admin/master-key/rotate', { token });
    expect(masterKey.status).toBe(403);
    expect(masterKey.body.message).toBe('master-key operations are reserved to platform admins');
    expect((await app.http('GET', '/admin/master-key', { token })).status).toBe(403);
  });

  it("refuses a member token once identity's revocation of it arrives", async () => {
    const token = await member('acme', 'admin');
    expect((await app.http('GET', '/admin/key-sets?tenant=acme', { token })).status).toBe(200);
    const { jti, exp } = decodeJwt(token);
    const producer = new EventProducer(env.kafka, { prefix: env.prefix, source: '/test/identity' });
    await producer.connect();
    try {
      await producer.publish(RevocationStateV1, {
        revocationId: `jti:${jti}`,
        tenantId: 'acme',
        kind: 'token',
        jti: jti!,
        applicationId: null,
        subject: null,
        issuedBefore: null,
        expiresAt: new Date(exp! * 1000).toISOString(),
        reason: 'logged out',
        revokedAt: new Date().toISOString(),
      });
    } finally {
      await producer.disconnect();
    }
    const refused = await eventually(async () => {
      const answer = await app.http('GET', '/admin/key-sets?tenant=acme', { token });
      return answer.status === 401 ? answer : undefined;
    }, 'the revoked member token refused');
    expect(refused.status).toBe(401);
    expect((await app.http('GET', '/admin/key-sets?tenant=acme', { token: tokens.acmeAdmin })).status).toBe(200);
  });

  it('lets a tenant admin manage its own set, a viewer only read, and audits who did what', async () => {
    const list = await app.http('GET', '/admin/key-sets', { token: tokens.acmeViewer });
    expect(list.body.keySets.map((set: any) => set.id)).toEqual([acmeSet]);
    const viewerPatch = await app.http('PATCH', `/admin/key-sets/${acmeSet}/policy`, { token: tokens.acmeViewer, body: { rotationPeriodSeconds: 9000 } });
    expect(viewerPatch.status).toBe(403);
    expect(viewerPatch.body.message).toBe('managing key sets needs the admin or owner role in a team of tenant acme');

    const patched = await app.http('PATCH', `/admin/key-sets/${acmeSet}/policy`, { token: tokens.acmeAdmin, body: { rotationPeriodSeconds: 9000 } });
    expect(patched.status).toBe(200);
    expect(patched.body.policy.rotationPeriodSeconds).toBe(9000);
    const pending = (await app.http('GET', `/admin/key-sets/${acmeSet}/keys?state=pending`, { token: tokens.acmeAdmin })).body.keys[0];
    const active = (await app.http('GET', `/admin/key-sets/${acmeSet}/keys?state=active`, { token: tokens.acmeAdmin })).body.keys[0];
    expect(pending.activatesAt).toBe(new Date(new Date(active.activatesAt).getTime() + 9000 * 1000).toISOString());

    const audit = await app.http('GET', '/admin/audit', { token: tokens.acmeAdmin });
    expect(audit.status).toBe(200);
    expect(audit.body.entries.every((entry: any) => entry.tenantId === 'acme')).toBe(true);
    expect(audit.body.entries[0]).toMatchObject({ actor: 'admin@acme', actorTenantId: 'acme', action: 'key.rescheduled', keySetId: acmeSet });
    expect(audit.body.entries[1]).toMatchObject({ actor: 'admin@acme', action: 'key-set.policy-changed', details: { before: { rotationPeriodSeconds: 7200 }, after: { rotationPeriodSeconds: 9000 } } });
    expect((await app.http('GET', `/admin/key-sets/${SIGNING}`, { token: tokens.acmeAdmin })).status).toBe(404);
  });

  it('switches algorithm by discarding the unused pending key, and rotates no sooner than the lead time allows', async () => {
    const before = (await app.http('GET', `/admin/key-sets/${acmeSet}/keys?state=pending`)).body.keys[0];
    const patched = await app.http('PATCH', `/admin/key-sets/${acmeSet}/policy`, { token: tokens.acmeAdmin, body: { alg: 'ES256' } });
    expect(patched.status).toBe(200);
    const keys = (await app.http('GET', `/admin/key-sets/${acmeSet}/keys`)).body.keys;
    // a destroyed key loses its private material only: its public JWK stays on record
    expect(keys.find((key: any) => key.kid === before.kid)).toMatchObject({ state: 'destroyed', masterKeyId: null, publicJwk: before.publicJwk });
    expect((await app.http('GET', '/tenants/acme/.well-known/jwks.json', { token: null })).body.keys.map((key: any) => key.kid)).not.toContain(before.kid);
    const fresh = keys.find((key: any) => key.state === 'pending');
    expect(fresh.alg).toBe('ES256');

    const scheduled = await app.http('POST', `/admin/key-sets/${acmeSet}/rotate`, { token: tokens.acmeAdmin });
    expect(scheduled.body).toEqual({ status: 'scheduled', pendingKid: fresh.kid, activatesAt: new Date(clock.now().getTime() + 600_000).toISOString() });
    clock.advance(600);
    await app.tick();
    const active = (await app.http('GET', `/admin/key-sets/${acmeSet}/keys?state=active`)).body.keys;
    expect(active.map((key: any) => [key.kid, key.alg])).toEqual([[fresh.kid, 'ES256']]);
    const manual = await eventually(() => env.transitions().find((event) => event.kid === fresh.kid && event.to === 'active'), 'activation event');
    expect(manual.reason).toBe('manual');

    clock.advance(600);
    const immediate = await app.http('POST', `/admin/key-sets/${acmeSet}/rotate`, { token: tokens.acmeAdmin });
    expect(immediate.body).toMatchObject({ status: 'activated', retiringKid: fresh.kid });
  });

  it('serves an OpenAPI document describing the admin API and the JWKS', async () => {
    const response = await app.http('GET', '/docs/openapi.json', { token: null });
    expect(response.status).toBe(200);
    expect(Object.keys(response.body.paths)).toEqual(
      expect.arrayContaining([
        '/.well-known/jwks.json',
        '/tenants/{tenantId}/.well-known/jwks.json',
        '/admin/key-sets',
        '/admin/key-sets/{keySetId}/policy',
        '/admin/key-sets/{keySetId}/rotate',
        '/admin/key-sets/{keySetId}/keys/{kid}/revoke',
        '/admin/audit',
        '/admin/master-key/rotate',
      ]),
    );
  });

  it('never shows private material in any response, log line or event', async () => {
    expect(await env.leakScan([env.env.KEYS_MASTER_KEY!.split(':')[1]!])).toEqual([]);
  });
});

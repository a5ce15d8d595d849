import { eventually } from '@gatehouse/testing';
import { createLocalJWKSet, importJWK, type JSONWebKeySet, jwtVerify, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLeaks, type KeysTestApp, KeysTestEnv, TOKEN_ISSUER } from '../../test/keys-test-harness';
import { ManualClock } from '../../test/manual-clock';

const T0 = new Date('2030-01-01T00:00:00.000Z');
const SIGNING = 'platform-access-token-signing';
const ENCRYPTION = 'platform-access-token-encryption';
const PERIOD = 3600;
const WINDOW = 930;
const SKEW = 30;

describe('key rotation timeline (injected clock, real Postgres and Kafka)', () => {
  const env = new KeysTestEnv('timeline');
  const clock = new ManualClock(T0);
  let app: KeysTestApp;

  const jwks = async () => {
    const response = await app.http<JSONWebKeySet>('GET', '/.well-known/jwks.json', { token: null });
    expect(response.status).toBe(200);
    return response.body;
  };
  const keysOf = async (setId: string) => (await app.http<{ keys: Array<Record<string, any>> }>('GET', `/admin/key-sets/${setId}/keys`)).body.keys;
  const activeKid = async (setId: string) => (await keysOf(setId)).filter((key) => key.state === 'active').map((key) => key.kid);
  const sign = async (kid: string, alg: string) => {
    const privateJwk = await env.privateJwkFromTopic(kid);
    const iat = Math.floor(clock.now().getTime() / 1000);
    const token = await new SignJWT({ tenant: 'platform', client_id: 'c1', scope: 'read' })
      .setProtectedHeader({ alg, kid, typ: 'at+jwt' })
      .setIssuer(TOKEN_ISSUER)
      .setSubject('c1')
      .setAudience('https://api.test')
      .setIssuedAt(iat)
      .setExpirationTime(iat + 900)
      .sign(await importJWK(privateJwk, alg));
    return { token, iat };
  };
  const verify = async (token: string, at: Date) => {
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(await jwks()), { issuer: TOKEN_ISSUER, audience: 'https://api.test', currentDate: at, typ: 'at+jwt', clockTolerance: SKEW });
    return { payload, protectedHeader };
  };
  const stateOf = (kid: string) => eventually(() => env.latestState(kid), `state record of ${kid}`);

  beforeAll(async () => {
    app = await env.start({ clock });
  });
  afterAll(async () => {
    await env.cleanup();
  });

  it('creates the platform default sets with an active key and a pre-published successor at first start', async () => {
    const sets = (await app.http('GET', '/admin/key-sets')).body.keySets;
    expect(sets.map((set: any) => [set.id, set.policy.alg])).toEqual(
      expect.arrayContaining([
        [SIGNING, 'ES256'],
        [ENCRYPTION, 'ECDH-ES+A256KW'],
      ]),
    );
    const ready = await app.http('GET', '/health/ready', { token: null });
    expect(ready.status).toBe(200);
    expect(Object.keys(ready.body.checks)).toEqual(expect.arrayContaining(['postgres', 'kafka', 'active-keys', 'key-change-listener']));
    for (const setId of [SIGNING, ENCRYPTION]) {
      const keys = await keysOf(setId);
      expect(keys.map((key) => key.state).sort()).toEqual(['active', 'pending']);
      const pending = keys.find((key) => key.state === 'pending')!;
      expect(pending.activatesAt).toBe(new Date(T0.getTime() + PERIOD * 1000).toISOString());
    }
  });

  it('serves the JWKS with a cache lifetime no longer than the lead time, an ETag and 304s', async () => {
    const response = await app.http('GET', '/.well-known/jwks.json', { token: null });
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    const etag = response.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    expect(response.body.keys).toHaveLength(4);
    expect(response.body.keys.map((key: any) => key.use).sort()).toEqual(['enc', 'enc', 'sig', 'sig']);
    const again = await app.http('GET', '/.well-known/jwks.json', { token: null, headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    const tenant = await app.http('GET', '/tenants/acme/.well-known/jwks.json', { token: null });
    expect(tenant.body).toEqual(response.body);
    expect((await app.http('GET', '/tenants/bad%20id/.well-known/jwks.json', { token: null })).body.message).toBe('tenantId must be 1-100 characters of A-Z a-z 0-9 . _ -');
  });

  it('rotates three times: every key is published a lead time ahead, signs while active, verifies through its whole window and not after', async () => {
    const checked: string[] = [];
    for (let round = 0; round < 3; round += 1) {
      const [current] = await activeKid(SIGNING);
      const pending = (await keysOf(SIGNING)).find((key) => key.state === 'pending')!;
      const jwksBefore = (await jwks()).keys.map((key) => key.kid);
      expect(jwksBefore).toContain(pending.kid);
      expect(new Date(pending.activatesAt).getTime() - new Date(pending.createdAt).getTime()).toBeGreaterThanOrEqual(300_000);

      await stateOf(current!);
      const early = await sign(current!, 'ES256');
      await expect(verify(early.token, clock.now())).resolves.toMatchObject({ protectedHeader: { kid: current } });

      // the last instant the key is active
      const rotationAt = new Date(pending.activatesAt);
      clock.set(new Date(rotationAt.getTime() - 1000));
      await app.tick();
      expect(await activeKid(SIGNING)).toEqual([current]);
      const late = await sign(current!, 'ES256');

      clock.set(rotationAt);
      await app.tick();
      expect(await activeKid(SIGNING)).toEqual([pending.kid]);
      const retiring = (await keysOf(SIGNING)).find((key) => key.kid === current)!;
      expect(retiring.state).toBe('retiring');
      expect(retiring.verifiableUntil).toBe(new Date(rotationAt.getTime() + WINDOW * 1000).toISOString());
      const retiringState = await eventually(() => env.latestState(current!)?.state === 'retiring' && env.latestState(current!), 'retiring state record');
      expect(retiringState.privateKey).toBeNull();
      expect(retiringState.verifiableUntil).toBe(retiring.verifiableUntil);

      // the last second a verifier with the platform's clock skew accepts the token lies inside the key's window
      const lastAccepted = new Date((late.iat + 900 + SKEW - 1) * 1000);
      expect(lastAccepted.getTime()).toBeLessThan(new Date(retiring.verifiableUntil).getTime());
      clock.set(lastAccepted);
      await app.tick();
      await expect(verify(late.token, lastAccepted)).resolves.toMatchObject({ protectedHeader: { kid: current } });
      await expect(verify(early.token, clock.now())).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });

      clock.set(new Date(retiring.verifiableUntil));
      await app.tick();
      expect((await jwks()).keys.map((key) => key.kid)).not.toContain(current);
      await expect(verify(late.token, new Date(late.iat * 1000))).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
      await eventually(() => env.latestState(current!) === null, `tombstone of ${current}`);
      checked.push(current!);
    }
    expect(new Set(checked).size).toBe(3);
  });

  it('exports the active keys\' activation and the next rotation of every set as gauges', async () => {
    const gauge = (text: string, name: string, keySet: string) =>
      [...text.matchAll(new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, 'gm'))].filter((match) => match[1]!.includes(`key_set="${keySet}"`)).map((match) => ({ labels: match[1]!, value: Number(match[2]) }));
    const metrics = (await app.http('GET', '/metrics', { token: null })).text;
    for (const [setId, purpose, alg] of [
      [SIGNING, 'access-token-signing', 'ES256'],
      [ENCRYPTION, 'access-token-encryption', 'ECDH-ES+A256KW'],
    ] as const) {
      const keys = await keysOf(setId);
      const active = keys.find((key) => key.state === 'active')!;
      const pending = keys.find((key) => key.state === 'pending')!;
      const activated = gauge(metrics, 'gatehouse_keys_active_key_activated_timestamp_seconds', setId);
      expect(activated).toEqual([{ labels: expect.stringContaining(`purpose="${purpose}"`), value: Date.parse(active.activatesAt) / 1000 }]);
      expect(activated[0]!.labels).toContain(`alg="${alg}"`);
      expect(gauge(metrics, 'gatehouse_keys_next_rotation_timestamp_seconds', setId)).toEqual([{ labels: expect.stringContaining(`purpose="${purpose}"`), value: Date.parse(pending.activatesAt) / 1000 }]);
    }
    // the signing set has rotated since T0: its active key is not the first one
    const signingSince = gauge(metrics, 'gatehouse_keys_active_key_activated_timestamp_seconds', SIGNING)[0]!.value;
    expect(signingSince).toBeGreaterThan(T0.getTime() / 1000);
  });

  it('gives the gateway encryption keys until they retire, never identity', async () => {
    const keys = await keysOf(ENCRYPTION);
    const retiring = keys.find((key) => key.state === 'retiring') ?? keys.find((key) => key.state === 'active')!;
    const state = await stateOf(retiring.kid);
    expect(state.privateKey?.recipient).toBe('gateway');
    const privateJwk = await env.privateJwkFromTopic(retiring.kid);
    expect(privateJwk).toMatchObject({ kty: 'EC', crv: 'P-256', kid: retiring.kid });
    const signing = await stateOf((await activeKid(SIGNING))[0]!);
    expect(signing.privateKey?.recipient).toBe('identity');
  });

  it('destroys retired key material after the grace period and records every transition in order', async () => {
    const [first] = env.transitions().filter((event) => event.keySetId === SIGNING && event.to === 'retired');
    clock.advance(7200);
    await app.tick();
    const [row] = await env.sql<{ state: string; wrapped_private_key: Buffer | null; master_key_id: string | null }>(
      'select state, wrapped_private_key, master_key_id from keys where kid = $1',
      [first!.kid],
    );
    expect(row).toEqual({ state: 'destroyed', wrapped_private_key: null, master_key_id: null });
    const path = await eventually(() => {
      const steps = env.transitions().filter((event) => event.kid === first!.kid).map((event) => `${event.from ?? '-'}>${event.to}`);
      return steps.length === 4 && steps;
    }, 'four transitions of the first key');
    expect(path).toEqual(['->active', 'active>retiring', 'retiring>retired', 'retired>destroyed']);
    const audit = await env.sql<{ count: string }>("select count(*) from audit_log where kid = $1 and action like 'key.%'", [first!.kid]);
    expect(Number(audit[0]!.count)).toBe(4);
  });

  it('has exactly one active key per set, and no private material in logs, events or responses', async () => {
    const active = await env.sql<{ key_set_id: string; n: string }>("select key_set_id, count(*) as n from keys where state = 'active' group by key_set_id");
    expect(active.map((row) => Number(row.n))).toEqual([1, 1]);
    await eventually(() => env.records.length > 20, 'records');
    const secrets = [env.env.KEYS_MASTER_KEY!.split(':')[1]!, env.env.KEY_TRANSPORT_SECRET_IDENTITY!.split(':')[1]!, env.env.KEY_TRANSPORT_SECRET_GATEWAY!.split(':')[1]!];
    expect(env.logLines.length).toBeGreaterThan(0);
    expect(await env.leakScan(secrets)).toEqual([]);

    // the scan knows the actual private values of every key made so far, in every encoding it looks for
    const values = await env.privateKeyValues();
    const made = Number((await env.sql<{ n: string }>('select count(*) as n from keys'))[0]!.n);
    expect(values.length).toBeGreaterThanOrEqual(made * 3);
    const [value] = values;
    const raw = Buffer.from(value!, 'base64url');
    const planted = [`{"msg":"debug","key":"${value}"}`, `blob=${raw.toString('base64')}`, `hex ${raw.toString('hex')}`, '-----BEGIN EC PRIVATE KEY-----'];
    expect(findLeaks(planted, values)).toEqual(['text #0: a secret or private key value', 'text #1: a secret or private key value', 'text #2: a secret or private key value', 'text #3: a PEM private key']);
  });
});

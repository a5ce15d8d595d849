import { type Envelope, type EventData, KeyStateV1 } from '@gatehouse/contracts';
import { topicName } from '@gatehouse/messaging';
import { eventually, TopicCollector } from '@gatehouse/testing';
import { createLocalJWKSet, importJWK, type JSONWebKeySet, jwtVerify, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KeysTestApp, KeysTestEnv, TOKEN_ISSUER } from '../../test/keys-test-harness';
import { ManualClock } from '../../test/manual-clock';

const SIGNING = 'platform-access-token-signing';

describe('emergency revocation', () => {
  const env = new KeysTestEnv('revoke');
  const clock = new ManualClock('2030-02-01T00:00:00.000Z');
  let app: KeysTestApp;
  /** Keys this spec removed with SQL: the service never published their tombstone. */
  const discardedWithSql: string[] = [];

  const keysOf = async (setId: string) => (await app.http<{ keys: Array<Record<string, any>> }>('GET', `/admin/key-sets/${setId}/keys`)).body.keys;
  const sign = async (kid: string) => {
    const now = Math.floor(clock.now().getTime() / 1000);
    return new SignJWT({ tenant: 'platform' })
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
      .setIssuer(TOKEN_ISSUER)
      .setIssuedAt(now)
      .setExpirationTime(now + 900)
      .sign(await importJWK(await env.privateJwkFromTopic(kid), 'ES256'));
  };
  const verify = async (token: string) =>
    jwtVerify(token, createLocalJWKSet((await app.http<JSONWebKeySet>('GET', '/.well-known/jwks.json', { token: null })).body), { issuer: TOKEN_ISSUER, currentDate: clock.now() });

  beforeAll(async () => {
    app = await env.start({ clock });
  });
  afterAll(async () => {
    await env.cleanup();
  });

  it('revokes the active key at once, promotes the pre-published key and tells every gateway', async () => {
    const before = await keysOf(SIGNING);
    const active = before.find((key) => key.state === 'active')!;
    const pending = before.find((key) => key.state === 'pending')!;
    await eventually(() => env.latestState(active.kid)?.privateKey, 'active key on the state topic');
    const token = await sign(active.kid);
    await expect(verify(token)).resolves.toBeTruthy();

    const response = await app.http('POST', `/admin/key-sets/${SIGNING}/keys/${active.kid}/revoke`, { body: { reason: 'private key found in a paste site' } });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ revokedKid: active.kid, activeKid: pending.kid });
    expect(response.body.pendingKid).toEqual(expect.any(String));
    expect(response.body.pendingKid).not.toBe(pending.kid);

    const revoked = await eventually(() => env.revocations().find((event) => event.kid === active.kid), 'KeyRevokedV1 on the events topic');
    expect(revoked).toMatchObject({ keySetId: SIGNING, purpose: 'access-token-signing', tenantId: null, reason: 'private key found in a paste site', revokedAt: clock.now().toISOString() });
    const state = await eventually(() => env.latestState(active.kid)?.state === 'revoked' && env.latestState(active.kid), 'revoked state record');
    expect(state).toMatchObject({ privateKey: null, verifiableUntil: clock.now().toISOString() });
    const promoted = await eventually(() => env.latestState(pending.kid)?.state === 'active' && env.latestState(pending.kid), 'promoted state record');
    expect(promoted.privateKey?.recipient).toBe('identity');
    const reasons = await eventually(() => {
      const found = env.transitions().filter((event) => event.reason === 'emergency').map((event) => `${event.kid}:${event.from}>${event.to}`);
      return found.length === 2 && found;
    }, 'emergency transitions');
    expect(reasons.sort()).toEqual([`${active.kid}:active>revoked`, `${pending.kid}:pending>active`].sort());

    await expect(verify(token)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
    await expect(verify(await sign(pending.kid))).resolves.toBeTruthy();
    const after = await keysOf(SIGNING);
    expect(after.filter((key) => key.state === 'active').map((key) => key.kid)).toEqual([pending.kid]);
  });

  it('generates a successor on the spot when the set has no pending key', async () => {
    const discarded = await env.sql<{ kid: string }>(
      "update keys set state = 'destroyed', wrapped_private_key = null, master_key_id = null where state = 'pending' and key_set_id = $1 returning kid",
      [SIGNING],
    );
    expect(discarded).toHaveLength(1);
    discardedWithSql.push(...discarded.map((row) => row.kid));
    const active = (await keysOf(SIGNING)).find((key) => key.state === 'active')!;
    const response = await app.http('POST', `/admin/key-sets/${SIGNING}/keys/${active.kid}/revoke`, { body: { reason: 'second compromise' } });
    expect(response.status).toBe(200);
    expect(response.body.activeKid).not.toBe(active.kid);
    const keys = await keysOf(SIGNING);
    expect(keys.filter((key) => key.state === 'active').map((key) => key.kid)).toEqual([response.body.activeKid]);
    expect(keys.filter((key) => key.state === 'pending')).toHaveLength(1);
  });

  it('refuses to revoke a key twice and names the state', async () => {
    const revoked = (await keysOf(SIGNING)).find((key) => key.state === 'revoked')!;
    const response = await app.http('POST', `/admin/key-sets/${SIGNING}/keys/${revoked.kid}/revoke`, { body: { reason: 'again' } });
    expect(response.status).toBe(409);
    expect(response.body.message).toBe(`key ${revoked.kid} is revoked; only pending, active or retiring keys can be revoked`);
  });

  it('lets a consumer starting from offset 0 of the state topic rebuild exactly the JWKS, plus the revoked keys as revoked', async () => {
    clock.advance(600);
    const rotated = await app.http('POST', `/admin/key-sets/${SIGNING}/rotate`);
    expect(rotated.body.status).toBe('activated');
    await eventually(() => env.latestState(rotated.body.activeKid)?.state === 'active' && env.latestState(rotated.body.retiringKid)?.state === 'retiring', 'rotation on the state topic');
    const revokedKids = (await keysOf(SIGNING)).filter((key) => key.state === 'revoked').map((key) => key.kid);
    expect(revokedKids).toHaveLength(2);

    const fresh = new TopicCollector(env.kafka, [topicName(env.prefix, KeyStateV1.topic)]);
    await fresh.start();
    try {
      const expected = env.states().length;
      await eventually(() => fresh.messages.length >= expected, 'the whole state topic replayed');
      // what a gateway starting from nothing holds: the latest record of each kid, tombstones removing it
      const latest = new Map<string, EventData<typeof KeyStateV1>>();
      for (const message of fresh.messages) {
        if (message.value === null) latest.delete(message.key!);
        else latest.set(message.key!, (message.envelope as Envelope<EventData<typeof KeyStateV1>>).data);
      }
      const live = [...latest.values()].filter((state) => state.state !== 'revoked' && !discardedWithSql.includes(state.kid)).map((state) => state.kid);
      const jwksKids = (await app.http<JSONWebKeySet>('GET', '/.well-known/jwks.json', { token: null })).body.keys.map((key) => key.kid!);
      expect(live.sort()).toEqual(jwksKids.sort());
      expect([...latest.values()].filter((state) => state.state === 'revoked').map((state) => state.kid).sort()).toEqual(revokedKids.sort());
      expect(latest.get(rotated.body.retiringKid)?.state).toBe('retiring');
    } finally {
      await fresh.stop();
    }
  });

  it('tombstones a revoked key once no token it signed can still be valid, then destroys it', async () => {
    const revoked = (await keysOf(SIGNING)).filter((key) => key.state === 'revoked');
    clock.advance(930);
    await app.tick();
    for (const key of revoked) await eventually(() => env.latestState(key.kid) === null, `tombstone of ${key.kid}`);
    const rows = await env.sql<{ state: string }>('select state from keys where kid = any($1)', [revoked.map((key) => key.kid)]);
    expect(rows.map((row) => row.state)).toEqual(['destroyed', 'destroyed']);
    expect(await env.leakScan()).toEqual([]);
  });
});

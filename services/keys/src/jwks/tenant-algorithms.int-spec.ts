import { eventually } from '@gatehouse/testing';
import { CompactEncrypt, compactDecrypt, createLocalJWKSet, importJWK, type JSONWebKeySet, jwtVerify, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KeysTestApp, KeysTestEnv, TOKEN_ISSUER } from '../../test/keys-test-harness';
import { ManualClock } from '../../test/manual-clock';

const LEAD = 600;
const PERIOD = 3600;
const WINDOW = 930;
const SKEW = 30;

/**
 * Every selectable algorithm, in a tenant set of its own: a key is used only after its lead
 * time, and what it signed verifies with jose against the tenant JWKS through its whole
 * window and not after; encryption keys round-trip a JWE with the private part the gateway gets.
 */
describe('tenant key sets of every algorithm', () => {
  const env = new KeysTestEnv('tenant-algs');
  const clock = new ManualClock('2030-09-01T00:00:00.000Z');
  let app: KeysTestApp;

  const tenantJwks = async (tenant: string) => (await app.http<JSONWebKeySet>('GET', `/tenants/${tenant}/.well-known/jwks.json`, { token: null })).body;
  const keysOf = async (setId: string) => (await app.http<{ keys: Array<Record<string, any>> }>('GET', `/admin/key-sets/${setId}/keys`)).body.keys;
  /** Creates the tenant's set and lets its first key become active after the lead time. */
  const activeSetOf = async (tenant: string, purpose: string, alg: string) => {
    const created = await app.http('POST', '/admin/key-sets', { body: { purpose, tenantId: tenant, alg, rotationPeriodSeconds: PERIOD } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    clock.advance(LEAD);
    await app.tick();
    const [active] = (await keysOf(created.body.id)).filter((key) => key.state === 'active');
    expect(active, `${alg}: first key active after the lead time`).toBeDefined();
    return { setId: created.body.id as string, kid: active!.kid as string };
  };

  beforeAll(async () => {
    app = await env.start({ clock });
  });
  afterAll(async () => {
    await env.cleanup();
  });

  it.each(['EdDSA', 'RS256', 'PS256'])('a %s tenant key signs tokens that verify against the tenant JWKS through its window and fail after', async (alg) => {
    const tenant = `t-${alg.toLowerCase()}`;
    const { setId, kid } = await activeSetOf(tenant, 'access-token-signing', alg);
    await eventually(() => env.latestState(kid)?.state === 'active', `${alg} active key on the state topic`);
    const privateJwk = await env.privateJwkFromTopic(kid);
    const key = await importJWK(privateJwk, alg);
    const sign = () => {
      const iat = Math.floor(clock.now().getTime() / 1000);
      return new SignJWT({ tenant }).setProtectedHeader({ alg, kid, typ: 'at+jwt' }).setIssuer(TOKEN_ISSUER).setIssuedAt(iat).setExpirationTime(iat + 900).sign(key).then((token) => ({ token, iat }));
    };
    const verify = async (token: string, at: Date) => jwtVerify(token, createLocalJWKSet(await tenantJwks(tenant)), { issuer: TOKEN_ISSUER, currentDate: at, clockTolerance: SKEW, algorithms: [alg] });

    const early = await sign();
    await expect(verify(early.token, clock.now())).resolves.toMatchObject({ protectedHeader: { alg, kid } });
    // the last second the key is active, then the successor takes over
    const rotationAt = Date.parse((await keysOf(setId)).find((entry) => entry.state === 'pending')!.activatesAt);
    clock.set(new Date(rotationAt - 1000));
    const late = await sign();
    clock.set(new Date(rotationAt));
    await app.tick();
    const retiring = (await keysOf(setId)).find((entry) => entry.kid === kid)!;
    expect(retiring).toMatchObject({ state: 'retiring', verifiableUntil: new Date(rotationAt + WINDOW * 1000).toISOString() });

    const lastAccepted = new Date((late.iat + 900 + SKEW - 1) * 1000);
    clock.set(lastAccepted);
    await app.tick();
    await expect(verify(late.token, lastAccepted)).resolves.toMatchObject({ protectedHeader: { kid } });
    clock.set(new Date(rotationAt + WINDOW * 1000));
    await app.tick();
    await expect(verify(late.token, lastAccepted)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
    await eventually(() => env.latestState(kid) === null, `tombstone of the ${alg} key`);
  });

  it.each(['RSA-OAEP-256', 'ECDH-ES+A256KW'])('a %s tenant key encrypts to the published public key and decrypts with the private part the gateway gets', async (alg) => {
    const tenant = `t-${alg.toLowerCase().replace(/[^a-z0-9]/g, '-')}`;
    const { kid } = await activeSetOf(tenant, 'access-token-encryption', alg);
    const published = (await tenantJwks(tenant)).keys.find((entry) => entry.kid === kid)!;
    expect(published).toMatchObject({ use: 'enc', alg });
    expect(Object.keys(published)).not.toContain('d');
    const plaintext = new TextEncoder().encode(`nested token for ${tenant}`);
    const jwe = await new CompactEncrypt(plaintext).setProtectedHeader({ alg, enc: 'A256GCM', kid, cty: 'JWT' }).encrypt(await importJWK(published, alg));
    const state = await eventually(() => env.latestState(kid)?.state === 'active' && env.latestState(kid), `${alg} active key on the state topic`);
    expect(state.privateKey?.recipient).toBe('gateway');
    const privateJwk = await env.privateJwkFromTopic(kid);
    const opened = await compactDecrypt(jwe, await importJWK(privateJwk, alg));
    expect(new TextDecoder().decode(opened.plaintext)).toBe(`nested token for ${tenant}`);
    expect(opened.protectedHeader).toMatchObject({ alg, enc: 'A256GCM', kid });
  });
});

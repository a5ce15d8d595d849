import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type TestPlatform } from '../e2e/support/platform';
import { CountingUpstream } from './support/counting-upstream';
import { rawExchange } from './support/raw-tcp';
import { send } from './support/send';
import { type CorpusMaterial, type TokenCase, tokenCorpus } from './support/token-corpus';
import { decodeSegment, jweTo } from './support/token-forge';
import { accessToken, type ApiWorld, basicAuth, createApiKey, createTenant, publishApi, startHostilePlatform, subscribe, type TenantWorld, waitServed } from './support/world';

/**
 * Forged and malformed bearer tokens against the running platform: the gateway data plane,
 * identity's introspection and every admin API share one strict verifier, and each must
 * refuse every case with 401 and an RFC 6750 challenge that never echoes the token.
 * Access tokens live 20 s here (and no clock skew) so that expiry is reachable end to end;
 * every group therefore starts from freshly issued tokens.
 */
const TOKEN_TTL_SECONDS = 20;
const GROUPS = ['algorithm', 'remote keys', 'kid tricks', 'headers', 'nested tokens', 'token types', 'structure'] as const;

describe('forged and malformed tokens', () => {
  let platform: TestPlatform;
  const upstream = new CountingUpstream();
  const trap = new CountingUpstream();
  let a: TenantWorld;
  let b: TenantWorld;
  let plainApi: ApiWorld;
  let encryptedApi: ApiWorld;
  let apiOfB: ApiWorld;
  let apiKey: string;
  let earlyToken: string;
  let trapUrl: string;
  const counts: Record<string, number> = {};

  const aToken = (api: ApiWorld) => accessToken(platform, a.applicationId, a.clientSecret, api.audience);
  const gatewayUrl = (path = 'resource') => `${platform.urls.gateway}${plainApi.basePath}/${path}`;

  beforeAll(async () => {
    const upstreamUrl = await upstream.start();
    trapUrl = await trap.start();
    platform = await startHostilePlatform('hostile-tokens', { ACCESS_TOKEN_TTL_SECONDS: String(TOKEN_TTL_SECONDS), CLOCK_SKEW_SECONDS: '0' });
    [a, b] = await Promise.all([createTenant(platform, 'forge-a'), createTenant(platform, 'forge-b')]);
    [plainApi, encryptedApi, apiOfB] = await Promise.all([
      publishApi(platform, a, 'plain', upstreamUrl),
      publishApi(platform, a, 'sealed', upstreamUrl, { requireEncryptedTokens: true }),
      publishApi(platform, b, 'other', upstreamUrl),
    ]);
    await Promise.all([subscribe(platform, a, plainApi, a.applicationId), subscribe(platform, a, encryptedApi, a.applicationId), subscribe(platform, b, apiOfB, b.applicationId)]);
    apiKey = (await createApiKey(platform, a)).apiKey;
    earlyToken = await aToken(plainApi);
    await waitServed(platform, `${plainApi.basePath}/ready`, earlyToken);
  }, 240_000);

  afterAll(async () => {
    await platform?.stop();
    await Promise.all([upstream.stop(), trap.stop()]);
  });

  async function material(): Promise<CorpusMaterial> {
    const [legit, otherLegit, legitEncrypted, tenantBToken] = await Promise.all([
      aToken(plainApi),
      aToken(plainApi),
      aToken(encryptedApi),
      accessToken(platform, b.applicationId, b.clientSecret, apiOfB.audience),
    ]);
    const jwks = (await send('GET', `${platform.urls.keys}/.well-known/jwks.json`)).json.keys as Array<Record<string, any>>;
    const kid = decodeSegment(legit.split('.')[0]!).kid;
    const signingJwk = jwks.find((key) => key.kid === kid);
    const encryptionJwk = jwks.find((key) => key.use === 'enc');
    if (!signingJwk || !encryptionJwk) throw new Error(`JWKS lacks the signing key ${kid} or an encryption key`);
    expect(legitEncrypted.split('.')).toHaveLength(5);
    return {
      legit,
      otherLegit,
      legitEncrypted,
      memberToken: a.ownerToken,
      refreshToken: a.refreshToken,
      tenantBToken,
      apiKey,
      clientSecret: a.clientSecret,
      bootstrapToken: platform.adminToken,
      signingJwk: signingJwk as never,
      otherSigningJwk: (jwks.find((key) => key.use === 'sig' && key.kid !== kid) ?? null) as never,
      encryptionJwk: encryptionJwk as never,
      trapUrl,
    };
  }

  const secretsOf = (authorization: string) =>
    authorization
      .replace(/^\S+\s*/, '')
      .split('.')
      .filter((part) => part.length >= 16);

  async function gatewayProblems(c: TokenCase): Promise<string[]> {
    const before = upstream.hits.length;
    const started = performance.now();
    const answer = await send('GET', gatewayUrl(), { headers: { authorization: c.authorization } });
    const problems: string[] = [];
    // A refusal costs no work the token asks for (PBES2 iterations, inflating, fetching keys).
    if (performance.now() - started > 5_000) problems.push(`took ${Math.round(performance.now() - started)} ms`);
    const challenge = answer.headers.get('www-authenticate') ?? '';
    if (answer.status !== 401) problems.push(`status ${answer.status}: ${answer.text.slice(0, 200)}`);
    if (!challenge.startsWith('Bearer ') || !challenge.includes('error="invalid_token"')) problems.push(`challenge ${challenge}`);
    if (c.description && !challenge.includes(`error_description="${c.description}"`)) problems.push(`expected "${c.description}", got ${challenge}`);
    if (answer.json?.error !== 'invalid_token') problems.push(`body ${answer.text.slice(0, 200)}`);
    for (const part of secretsOf(c.authorization)) if (answer.text.includes(part) || challenge.includes(part)) problems.push('the answer echoes the token');
    if (upstream.hits.length !== before) problems.push('reached the upstream');
    return problems;
  }

  async function introspectionProblems(c: TokenCase): Promise<string[]> {
    const token = c.authorization.replace(/^Bearer\s*/, '');
    if (!c.authorization.startsWith('Bearer ') || token.trim() === '') return [];
    const answer = await send('POST', `${platform.urls.identity}/oauth2/introspect`, {
      headers: { authorization: basicAuth(a.applicationId, a.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
    });
    if (answer.status !== 200) return [`introspection status ${answer.status}: ${answer.text.slice(0, 200)}`];
    const active = c.validElsewhere?.introspection ?? false;
    return answer.json?.active === active ? [] : [`introspection says active=${answer.json?.active}`];
  }

  const adminSurfaces = () => [
    `${platform.urls.identity}/admin/tenants`,
    `${platform.urls.catalog}/apis`,
    `${platform.urls.keys}/admin/key-sets`,
    `${platform.urls.metering}/usage?from=${new Date(Date.now() - 3_600_000).toISOString()}`,
    `${platform.urls.gatewayControl}/config`,
  ];

  async function adminProblems(c: TokenCase, index: number): Promise<string[]> {
    const surfaces = adminSurfaces();
    const url = surfaces[index % surfaces.length]!;
    const answer = await send('GET', url, { headers: { authorization: c.authorization } });
    if (c.validElsewhere?.admin) return answer.status === 200 ? [] : [`admin ${url} refused a valid admin credential: ${answer.status}`];
    const problems: string[] = [];
    if (answer.status !== 401) problems.push(`admin ${url} status ${answer.status}`);
    if (!(answer.headers.get('www-authenticate') ?? '').includes('error="invalid_token"')) problems.push(`admin ${url} challenge ${answer.headers.get('www-authenticate')}`);
    for (const part of secretsOf(c.authorization)) if (answer.text.includes(part)) problems.push(`admin ${url} echoes the token`);
    return problems;
  }

  async function stillServing(): Promise<void> {
    expect((await fetch(`${platform.urls.gatewayControl}/health/ready`)).status).toBe(200);
    expect((await fetch(`${platform.urls.identity}/health/ready`)).status).toBe(200);
    const legit = await send('GET', gatewayUrl('after-batch'), { token: await aToken(plainApi) });
    expect(legit.status, legit.text).toBe(200);
  }

  it.each(GROUPS.map((group) => [group]))('refuses every %s case at the gateway, at introspection and at the admin APIs', async (group) => {
    const cases = tokenCorpus(await material()).filter((c) => c.group === group);
    counts[group] = cases.length;
    expect(cases.length).toBeGreaterThan(5);
    const failures: string[] = [];
    for (const [index, c] of cases.entries()) {
      const problems = [...(await gatewayProblems(c)), ...(await introspectionProblems(c)), ...(await adminProblems(c, index))];
      if (problems.length > 0) failures.push(`${c.name}: ${problems.join('; ')}`);
    }
    expect(failures).toEqual([]);
    await stillServing();
  });

  it('never fetches a jku or x5u a token names', () => {
    expect(trap.hits).toEqual([]);
  });

  it('accepts a JWE anyone can build around a real token (the corpus JWEs are well formed), and requires one where the API says so', async () => {
    const m = await material();
    const wrapped = await send('GET', gatewayUrl('wrapped'), { token: jweTo(m.encryptionJwk, m.legit) });
    expect(wrapped.status, wrapped.text).toBe(200);
    const sealed = await send('GET', `${platform.urls.gateway}${encryptedApi.basePath}/x`, { token: m.legitEncrypted });
    expect(sealed.status, sealed.text).toBe(200);
    const plain = await send('GET', `${platform.urls.gateway}${encryptedApi.basePath}/x`, { token: m.legit });
    expect(plain.status).toBe(401);
    expect(plain.headers.get('www-authenticate')).toContain('error_description="An encrypted token is required"');
  });

  it('ignores a token in the query string and answers the missing credential without an error code', async () => {
    const before = upstream.hits.length;
    const answer = await send('GET', `${gatewayUrl()}?access_token=${await aToken(plainApi)}`);
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="gatehouse"');
    expect(upstream.hits.length).toBe(before);
  });

  it('answers heads the HTTP parser refuses (oversized, NUL, non-Latin-1 token bytes) with 431 or 400 and keeps serving', async () => {
    const port = Number(new URL(platform.urls.gateway).port);
    const request = (authorization: string | Buffer) =>
      Buffer.concat([Buffer.from(`GET ${plainApi.basePath}/raw HTTP/1.1\r\nHost: gw\r\nAuthorization: `), Buffer.from(authorization), Buffer.from('\r\n\r\n')]);
    const oversized = await rawExchange(port, request(`Bearer ${'a'.repeat(40_000)}`));
    expect(oversized.statuses).toEqual([431]);
    for (const bytes of [Buffer.from('Bearer a\u0000b.c.d', 'latin1'), Buffer.from('Bearer токен.токен.токен', 'utf8'), Buffer.from('Bearer a\rb.c.d', 'latin1')]) {
      const refused = await rawExchange(port, request(bytes));
      expect(refused.statuses).toHaveLength(1);
      expect([400, 401]).toContain(refused.statuses[0]);
    }
    await stillServing();
  });

  it('refuses a token its own client revoked', async () => {
    const token = await aToken(plainApi);
    expect((await send('GET', gatewayUrl('before-revoke'), { token })).status).toBe(200);
    const revoked = await send('POST', `${platform.urls.identity}/oauth2/revoke`, {
      headers: { authorization: basicAuth(a.applicationId, a.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
    });
    expect(revoked.status).toBe(200);
    await eventually(async () => {
      const answer = await send('GET', gatewayUrl('after-revoke'), { token });
      return answer.status === 401 && (answer.headers.get('www-authenticate') ?? '').includes('The token was revoked') ? true : undefined;
    }, 'the gateway refuses the revoked token');
  });

  it('refuses an expired token once its lifetime is over', async () => {
    const { ms } = await eventually(
      async () => {
        const answer = await send('GET', gatewayUrl('expired'), { token: earlyToken });
        return answer.status === 401 && (answer.headers.get('www-authenticate') ?? '').includes('error_description="The token has expired"') ? true : undefined;
      },
      'the gateway refuses the expired token',
      (TOKEN_TTL_SECONDS + 15) * 1000,
      250,
    );
    expect(ms).toBeLessThan((TOKEN_TTL_SECONDS + 15) * 1000);
    const introspected = await send('POST', `${platform.urls.identity}/oauth2/introspect`, {
      headers: { authorization: basicAuth(a.applicationId, a.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: earlyToken }).toString(),
    });
    expect(introspected.json).toEqual({ active: false });
  });

  it('refuses tokens of a signing key revoked in an emergency, and serves tokens of its successor', async () => {
    const token = await aToken(plainApi);
    const kid = decodeSegment(token.split('.')[0]!).kid as string;
    const revoke = await send('POST', `${platform.urls.keys}/admin/key-sets/platform-access-token-signing/keys/${kid}/revoke`, { token: platform.adminToken, json: { reason: 'hostile-input suite' } });
    expect(revoke.status, revoke.text).toBe(200);
    await eventually(async () => {
      const answer = await send('GET', gatewayUrl('old-key'), { token });
      return answer.status === 401 && (answer.headers.get('www-authenticate') ?? '').includes('The token key was revoked') ? true : undefined;
    }, 'the gateway refuses tokens of the revoked key');
    await eventually(async () => {
      const fresh = await aToken(plainApi);
      if (decodeSegment(fresh.split('.')[0]!).kid === kid) return undefined;
      return (await send('GET', gatewayUrl('new-key'), { token: fresh })).status === 200 ? true : undefined;
    }, 'a token of the successor key is served');
  });

  it('ran the whole corpus', () => {
    expect(Object.keys(counts).sort()).toEqual([...GROUPS].sort());
    expect(Object.values(counts).reduce((sum, count) => sum + count, 0)).toBeGreaterThan(150);
  });
});

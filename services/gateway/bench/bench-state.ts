import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { ApplicationStateV1, KeyStateV1, PlanStateV1, RouteStateV1, SubscriptionStateV1 } from '@gatehouse/contracts';
import { wrapPrivateKey } from '@gatehouse/auth';
import { CompactEncrypt, type JWK, SignJWT } from 'jose';

export interface BenchState {
  issuer: string;
  records: Array<{ type: string; key: string; data: unknown }>;
}

export interface BenchFixture {
  state: BenchState;
  secret: { id: string; key: string };
  jws: string;
  jwe: string;
  /** PEM of the signing public key (for the reference peers). */
  publicKeyPem: string;
  audience: string;
}

const ISSUER = 'https://identity.gatehouse.bench';
const AUDIENCE = 'https://api.bench.test/pets';

/** Keys, state records and two tokens (JWS and nested JWE) for a benchmark run against `upstreamUrl`. */
export async function benchFixture(upstreamUrl: string): Promise<BenchFixture> {
  const now = new Date().toISOString();
  const secretKey = randomBytes(32);
  const secret = { id: 'bench', key: new Uint8Array(secretKey) };
  const signing = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const encryption = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const sigJwk = { ...(signing.publicKey.export({ format: 'jwk' }) as object), kid: 'bench-sig', alg: 'ES256', use: 'sig' };
  const encJwk = { ...(encryption.publicKey.export({ format: 'jwk' }) as object), kid: 'bench-enc', alg: 'ECDH-ES+A256KW', use: 'enc' };
  const key = (kid: string, purpose: string, alg: string, publicJwk: object, privateKey: unknown) => ({
    type: KeyStateV1.type,
    key: kid,
    data: { kid, keySetId: `ks-${purpose}`, purpose, tenantId: null, alg, state: 'active', publicJwk, privateKey, activatesAt: now, retiresAt: null, verifiableUntil: null, createdAt: now },
  });
  const wrapped = await wrapPrivateKey(encryption.privateKey.export({ format: 'jwk' }) as JWK, 'gateway', secret);
  const records = [
    key('bench-sig', 'access-token-signing', 'ES256', sigJwk, null),
    key('bench-enc', 'access-token-encryption', 'ECDH-ES+A256KW', encJwk, wrapped),
    {
      type: RouteStateV1.type,
      key: 'r-bench',
      data: {
        routeId: 'r-bench', tenantId: 'acme', apiId: 'api-pets', apiVersionId: 'v1', apiName: 'Pets', version: 'v1', audience: AUDIENCE, host: null,
        methods: ['GET', 'POST'], path: '/pets/v1/pets/{id}', stripPrefix: '/pets/v1',
        upstream: { targets: [{ url: upstreamUrl, weight: 1 }], loadBalancing: 'weighted-round-robin', timeouts: { connectMs: 1000, firstByteMs: 5000, totalMs: 10000 }, retries: { attempts: 1, backoffMs: 10 } },
        auth: { methods: ['bearer'], requireEncryptedToken: false, scopes: ['pets:read'] },
        lifecycle: { state: 'published', deprecatedAt: null, sunsetAt: null }, kind: 'http', maxBodyBytes: 1048576, updatedAt: now,
      },
    },
    { type: ApplicationStateV1.type, key: 'app-bench', data: { applicationId: 'app-bench', tenantId: 'acme', teamId: 'team', name: 'bench', status: 'active', requireEncryptedTokens: false, allowedScopes: ['pets:read'], updatedAt: now } },
    { type: PlanStateV1.type, key: 'plan-bench', data: { planId: 'plan-bench', tenantId: 'acme', apiId: 'api-pets', name: 'Bench', rateLimit: { requests: 1_000_000_000, per: 'second' }, quotas: [], currency: null, updatedAt: now } },
    { type: SubscriptionStateV1.type, key: 'sub-bench', data: { subscriptionId: 'sub-bench', tenantId: 'acme', applicationTenantId: 'acme', apiId: 'api-pets', audience: AUDIENCE, applicationId: 'app-bench', planId: 'plan-bench', status: 'approved', scopes: ['pets:read'], updatedAt: now } },
  ];
  const issuedAt = Math.floor(Date.now() / 1000);
  const jws = await new SignJWT({ client_id: 'app-bench', tenant: 'acme', scope: 'pets:read' })
    .setProtectedHeader({ alg: 'ES256', kid: 'bench-sig', typ: 'at+jwt' })
    .setIssuer(ISSUER)
    .setSubject('bench-user')
    .setAudience(AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + 3600)
    .setJti('bench-jti')
    .sign(signing.privateKey);
  const jwe = await new CompactEncrypt(new TextEncoder().encode(jws)).setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', cty: 'JWT', kid: 'bench-enc' }).encrypt(encryption.publicKey);
  return {
    state: { issuer: ISSUER, records },
    secret: { id: secret.id, key: secretKey.toString('base64url') },
    jws,
    jwe,
    publicKeyPem: signing.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    audience: AUDIENCE,
  };
}

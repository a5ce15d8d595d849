import { DecryptionKeyRing, TokenVerifier, VerificationKeyRing } from '@gatehouse/auth';
import { compactDecrypt, createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubscribedApplication, type TestApplication } from '../../test/directory-fixtures';
import { type IdentityHarness, makeKey, pollUntil, startIdentity, type TestKey } from '../../test/identity-harness';

const insecure = { execute: [oidc.allowInsecureRequests] };

describe('token endpoint with openid-client', () => {
  let harness: IdentityHarness;
  let signing: TestKey;
  let encryption: TestKey;
  let app: TestApplication;
  const audience = 'https://orders.api.test';
  const jwks = () => createRemoteJWKSet(new URL(`${harness.baseUrl}/.well-known/jwks.json`), { cacheMaxAge: 0, cooldownDuration: 0 });
  const config = (clientId: string, auth: oidc.ClientAuth) => oidc.discovery(new URL(harness.baseUrl), clientId, undefined, auth, insecure);
  /** Catalog events arrive asynchronously: retry until the subscription is known. */
  const grant = (configuration: oidc.Configuration, parameters: Record<string, string>) =>
    pollUntil(() => oidc.clientCredentialsGrant(configuration, parameters).catch((error: Error) => (/invalid_target/.test(String((error as { error?: string }).error ?? error.message)) ? null : Promise.reject(error))), 'a subscribed token');

  beforeAll(async () => {
    harness = await startIdentity('identity-token');
    const ready = await fetch(`${harness.baseUrl}/health/ready`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as any).checks['signing-key'].status).toBe('failing');
    signing = makeKey('ES256');
    encryption = makeKey('ECDH-ES+A256KW');
    await harness.publishKey(signing);
    await harness.publishKey(encryption);
    await harness.waitReady();
    app = await createSubscribedApplication(harness, { audience });
  });
  afterAll(async () => harness?.close());

  it('serves RFC 8414 metadata at both well-known addresses for discovery', async () => {
    const viaOidc = await config(app.clientId, oidc.ClientSecretBasic(app.clientSecret));
    const viaOAuth = await oidc.discovery(new URL(harness.baseUrl), app.clientId, undefined, oidc.ClientSecretBasic(app.clientSecret), { ...insecure, algorithm: 'oauth2' });
    for (const configuration of [viaOidc, viaOAuth]) {
      const metadata = configuration.serverMetadata();
      expect(metadata.issuer).toBe(harness.baseUrl);
      expect(metadata.token_endpoint).toBe(`${harness.baseUrl}/oauth2/token`);
      expect(metadata.introspection_endpoint).toBe(`${harness.baseUrl}/oauth2/introspect`);
      expect(metadata.revocation_endpoint).toBe(`${harness.baseUrl}/oauth2/revoke`);
      expect(metadata.jwks_uri).toBe(`${harness.baseUrl}/.well-known/jwks.json`);
      expect(metadata.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'private_key_jwt']));
    }
  });

  it('issues RFC 9068 access tokens with client_secret_basic', async () => {
    const tokens = await grant(await config(app.clientId, oidc.ClientSecretBasic(app.clientSecret)), { resource: audience, scope: 'read' });
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.expires_in).toBe(300);
    expect(tokens.scope).toBe('read');
    expect(tokens.refresh_token).toBeUndefined();
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks(), { issuer: harness.baseUrl, audience, typ: 'at+jwt', algorithms: ['ES256'] });
    expect(protectedHeader).toEqual({ alg: 'ES256', kid: signing.kid, typ: 'at+jwt' });
    expect(payload).toMatchObject({ sub: app.clientId, client_id: app.clientId, tenant: 'acme', scope: 'read', aud: audience });
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(payload.jti).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // The JWKS the keys service publishes (the public keys of its KeyStateV1 records) verifies it too.
    await jwtVerify(tokens.access_token, createLocalJWKSet({ keys: [signing.publicJwk] }), { issuer: harness.baseUrl, audience, typ: 'at+jwt' });
  });

  it('issues tokens with client_secret_post', async () => {
    const tokens = await grant(await config(app.clientId, oidc.ClientSecretPost(app.clientSecret)), { resource: audience });
    const { payload } = await jwtVerify(tokens.access_token, jwks(), { issuer: harness.baseUrl, audience });
    expect(payload.client_id).toBe(app.clientId);
    expect(payload.scope).toBe('read write');
  });

  it('issues tokens with private_key_jwt', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const kid = 'client-key-1';
    const registered = await harness.admin('POST', `/admin/tenants/acme/applications/${app.clientId}/credentials/jwks`, {
      jwks: { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] },
    });
    expect(registered.status).toBe(201);
    const tokens = await grant(await config(app.clientId, oidc.PrivateKeyJwt({ key: privateKey, kid })), { resource: audience, scope: 'write' });
    const { payload } = await jwtVerify(tokens.access_token, jwks(), { issuer: harness.baseUrl, audience });
    expect(payload).toMatchObject({ client_id: app.clientId, scope: 'write' });
  });

  it('puts several resource indicators in aud', async () => {
    const second = 'https://billing.api.test';
    await harness.publishApi({ apiId: 'api-billing', tenantId: 'acme', teamId: 'team-billing', audience: second, scopes: ['read'] });
    await harness.publishSubscription({ applicationId: app.clientId, apiId: 'api-billing', audience: second, tenantId: 'acme', scopes: ['read'] });
    const parameters = new URLSearchParams([['resource', audience], ['resource', second], ['scope', 'read']]);
    const configuration = await config(app.clientId, oidc.ClientSecretBasic(app.clientSecret));
    const tokens = await pollUntil(() => oidc.clientCredentialsGrant(configuration, parameters).catch(() => null), 'a token for two APIs');
    const { payload } = await jwtVerify(tokens.access_token, jwks(), { issuer: harness.baseUrl });
    expect(payload.aud).toEqual([audience, second]);
  });

  it('nests tokens in a JWE that only the gateway key decrypts, when the application or the API requires it', async () => {
    const sealedApp = await createSubscribedApplication(harness, { audience: 'https://sealed-app.api.test', requireEncryptedTokens: true });
    const sealedApi = await createSubscribedApplication(harness, { audience: 'https://sealed-api.api.test', apiRequiresEncryption: true });
    const gatewayKey = await importJWK(encryption.privateJwk, 'ECDH-ES+A256KW');
    const strangerKey = await importJWK(makeKey('ECDH-ES+A256KW').privateJwk, 'ECDH-ES+A256KW');
    const signingRing = new VerificationKeyRing();
    signingRing.apply(await harness.publishKey(signing), signing.kid);
    const decryptionRing = new DecryptionKeyRing({ transportSecrets: harness.gatewaySecret });
    await decryptionRing.apply(await harness.publishKey(encryption), encryption.kid);
    const gatewayVerifier = new TokenVerifier({ issuer: harness.baseUrl, keys: signingRing, decryptionKeys: decryptionRing });
    for (const [target, resource] of [
      [sealedApp, 'https://sealed-app.api.test'],
      [sealedApi, 'https://sealed-api.api.test'],
    ] as const) {
      const tokens = await grant(await config(target.clientId, oidc.ClientSecretBasic(target.clientSecret)), { resource });
      expect(tokens.access_token.split('.')).toHaveLength(5);
      expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', cty: 'JWT', kid: encryption.kid });
      await expect(compactDecrypt(tokens.access_token, strangerKey)).rejects.toThrow();
      const { plaintext } = await compactDecrypt(tokens.access_token, gatewayKey);
      const { payload, protectedHeader } = await jwtVerify(new TextDecoder().decode(plaintext), jwks(), { issuer: harness.baseUrl, audience: resource, typ: 'at+jwt' });
      expect(protectedHeader.kid).toBe(signing.kid);
      expect(payload.client_id).toBe(target.clientId);
      const verified = gatewayVerifier.verify(tokens.access_token, { requireEncrypted: true, audience: resource });
      expect(verified).toMatchObject({ encrypted: true, encryptionKid: encryption.kid, clientId: target.clientId });
    }
    const metrics = await (await fetch(`${harness.baseUrl}/metrics`)).text();
    const issued = (encrypted: boolean) =>
      metrics
        .split('\n')
        .filter((line) => line.startsWith('gatehouse_identity_tokens_issued_total{') && line.includes('grant_type="client_credentials"') && line.includes(`encrypted="${encrypted}"`))
        .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    expect(issued(true)).toBeGreaterThanOrEqual(2);
    expect(issued(false)).toBeGreaterThanOrEqual(1);
  });

  it('signs with the key set of the tenant when it has one', async () => {
    expect((await harness.admin('POST', '/admin/tenants', { id: 'globex', name: 'Globex' })).status).toBe(201);
    const tenantKey = makeKey('EdDSA');
    await harness.publishKey(tenantKey, { tenantId: 'globex', keySetId: 'ks-globex-signing' });
    const globex = await createSubscribedApplication(harness, { tenantId: 'globex', audience: 'https://globex.api.test' });
    const configuration = await config(globex.clientId, oidc.ClientSecretBasic(globex.clientSecret));
    const tokens = await pollUntil(
      () => oidc.clientCredentialsGrant(configuration, { resource: 'https://globex.api.test' }).then((result) => decodeProtectedHeader(result.access_token).kid === tenantKey.kid && result, () => null),
      'a token signed with the tenant key',
    );
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks(), { issuer: harness.baseUrl, algorithms: ['EdDSA'] });
    expect(protectedHeader.alg).toBe('EdDSA');
    expect(payload.tenant).toBe('globex');
  });

  it('rotates keys mid-run: new tokens carry the new kid, old ones verify until their key is retired', async () => {
    const configuration = await config(app.clientId, oidc.ClientSecretBasic(app.clientSecret));
    const before = await grant(configuration, { resource: audience });
    expect(decodeProtectedHeader(before.access_token).kid).toBe(signing.kid);
    const next = makeKey('ES256');
    await harness.publishKey(next, { activatesAt: new Date().toISOString() });
    await harness.publishKey(signing, { state: 'retiring', retiresAt: new Date().toISOString(), verifiableUntil: new Date(Date.now() + 3600_000).toISOString() });
    const after = await pollUntil(
      () => oidc.clientCredentialsGrant(configuration, { resource: audience }).then((result) => decodeProtectedHeader(result.access_token).kid === next.kid && result),
      'a token signed with the new key',
    );
    await jwtVerify(after.access_token, jwks(), { issuer: harness.baseUrl, audience });
    await jwtVerify(before.access_token, jwks(), { issuer: harness.baseUrl, audience });
    await harness.publishKey(signing, { state: 'retired', retiresAt: new Date().toISOString(), verifiableUntil: new Date().toISOString() });
    await pollUntil(async () => {
      const published = (await (await fetch(`${harness.baseUrl}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> };
      return !published.keys.some((key) => key.kid === signing.kid);
    }, 'the retired key to leave the JWKS');
    await expect(jwtVerify(before.access_token, jwks(), { issuer: harness.baseUrl, audience })).rejects.toThrow(/no applicable key|matching key/i);
    await jwtVerify(after.access_token, jwks(), { issuer: harness.baseUrl, audience });
  });
});

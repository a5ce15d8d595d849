import type { INestApplication } from '@nestjs/common';
import { transportSecretFromEnv, unwrapSecret } from '@gatehouse/auth';
import { baseConfigSchema, loadConfig } from '@gatehouse/config';
import { AiProviderStateV1, Topics } from '@gatehouse/contracts';
import { createLogger } from '@gatehouse/observability';
import { createServiceApp } from '@gatehouse/platform';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogAppModule, type CatalogConfig } from '../app.module';
import { catalogConfigSchema } from '../catalog.config';
import { CatalogHarness, eventually, ISSUER } from '../testing/catalog-harness';
import { createProvider, newCredential } from './testing/ai-builders';

const key = () => randomBytes(32).toString('base64url');

describe('AI provider credentials across restarts: transport secret and master key rotation', () => {
  const mk1 = `mk1:${key()}`;
  const mk2 = `mk2:${key()}`;
  const gw1 = `gw-1:${key()}`;
  const gw2 = `gw-2:${key()}`;
  let catalog: CatalogHarness;
  let instances = 0;

  /** Another catalog replica on the same schema and topics, with other secrets. */
  async function replica(env: Record<string, string>): Promise<{ app: INestApplication; baseUrl: string }> {
    const config = loadConfig({ ...baseConfigSchema, ...catalogConfigSchema }, {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: catalog.env.databaseUrl,
      KAFKA_BROKERS: catalog.env.kafkaBrokers,
      KAFKA_TOPIC_PREFIX: catalog.prefix,
      DATABASE_SCHEMA: catalog.env.schema,
      TOKEN_ISSUER: ISSUER,
      ADMIN_BOOTSTRAP_TOKEN: catalog.bootstrapToken,
      INSTANCE_ID: `replica-${++instances}`,
      ...env,
    }) as CatalogConfig;
    const logger = createLogger({ service: 'catalog', level: 'silent' });
    const app = await createServiceApp({ module: CatalogAppModule.forRoot(config, { logger }), logger, title: 'catalog', description: 'replica under test' });
    try {
      await app.listen(0, '127.0.0.1');
    } catch (error) {
      await app.close().catch(() => undefined);
      throw error;
    }
    return { app, baseUrl: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}` };
  }

  const call = async (baseUrl: string, method: string, path: string) => {
    const response = await fetch(`${baseUrl}${path}`, { method, headers: { authorization: `Bearer ${catalog.bootstrapToken}` } });
    return { status: response.status, body: (await response.json()) as any };
  };

  beforeAll(async () => {
    catalog = await CatalogHarness.start('catalog-ai-keys', { CATALOG_MASTER_KEY: mk1, KEY_TRANSPORT_SECRET_GATEWAY: gw1 });
  });

  afterAll(async () => {
    await catalog?.close();
  });

  it('re-wraps credentials for a new gateway transport secret at boot, and rotates the master key without losing one', async () => {
    const team = await catalog.team('acme');
    const admin = await catalog.token({ tenant: 'acme', teams: { [team]: 'admin' } });
    const credential = newCredential();
    const provider = await createProvider(catalog, admin, { teamId: team, credential });
    const jwesOf = () =>
      catalog.collector
        .on(Topics.aiState)
        .filter((message) => message.key === `provider:${provider.id}` && message.envelope?.type === AiProviderStateV1.type)
        .map((message) => (message.envelope!.data as { credential: { recipient: 'gateway'; jwe: string } }).credential);
    await eventually(() => jwesOf().length === 1, 'provider state under gw-1');

    const second = await replica({ CATALOG_MASTER_KEY: mk1, KEY_TRANSPORT_SECRET_GATEWAY: gw2 });
    await second.app.close();
    const rewrapped = await eventually(() => jwesOf()[1], 'provider state under gw-2');
    expect(JSON.parse(Buffer.from(rewrapped.jwe.split('.')[0]!, 'base64url').toString()).kid).toBe('gw-2');
    expect(await unwrapSecret(rewrapped, transportSecretFromEnv(gw2), { subject: `provider:${provider.id}` })).toBe(credential);
    await expect(unwrapSecret(rewrapped, transportSecretFromEnv(gw1))).rejects.toThrow('transport secret "gw-2", which this service does not hold');

    await expect(replica({ CATALOG_MASTER_KEY: mk2, KEY_TRANSPORT_SECRET_GATEWAY: gw2 })).rejects.toThrow(
      'AI provider credentials are wrapped under master key "mk1" (1 credential), which CATALOG_MASTER_KEY does not hold; add it back (after the current key) and rotate the master key',
    );

    const rotating = await replica({ CATALOG_MASTER_KEY: `${mk2},${mk1}`, KEY_TRANSPORT_SECRET_GATEWAY: gw2 });
    const rotated = await call(rotating.baseUrl, 'POST', '/ai/master-key/rotate');
    expect(rotated).toEqual({ status: 200, body: { masterKeyId: 'mk2', rewrapped: 1, usage: [{ masterKeyId: 'mk2', credentials: 1 }] } });
    await rotating.app.close();

    const after = await replica({ CATALOG_MASTER_KEY: mk2, KEY_TRANSPORT_SECRET_GATEWAY: gw2 });
    expect((await call(after.baseUrl, 'GET', `/ai/providers/${provider.id}`)).body).toMatchObject({ hasCredential: true, credentialFingerprint: provider.credentialFingerprint });
    await after.app.close();
    const [row] = await catalog.rows('select credential_key_id from ai_providers where id = $1', [provider.id]);
    expect(row).toEqual({ credential_key_id: 'mk2' });
  });
});

import { join, relative } from 'node:path';
import { startFakeProvider, type FakeProvider } from '@gatehouse/ai/testing';
import type { Platform } from '../platform/start-platform';
import { clientCredentialsToken, ServiceError } from './admin-client';
import { readSecretsFile, saveClientSecret, type DevSecrets } from './dev-secrets';
import { curlCommand, demoReport, describeAnswer, type DemoCall, type DemoSummary } from './demo-report';
import { startEchoUpstream, type EchoUpstream } from './echo-upstream';
import { GatehouseAdmin } from './gatehouse-admin';
import { urlExports, type PlatformUrls } from './platform-urls';
import { AI_DEMO, seedAiDemo, type AiDemoObjects } from './seed-ai-demo';
import { DEMO, seedHttpDemo, type DemoObjects } from './seed-demo';
import { retryWhile } from './wait';

/** The port the demo's echo service takes when it is free. */
export const ECHO_PORT = 9000;

export interface DemoOptions {
  readonly root: string;
  readonly secretsPath: string;
  readonly adminToken: string;
  readonly adminTokenSource: DemoSummary['adminTokenSource'];
}

/** The demo of `npm start`: an `afterReady` step, what to print afterwards, and its own servers to stop. */
export interface Demo {
  readonly step: (platform: Platform) => Promise<void>;
  /** Lines to print once everything is up. */
  report(): string[];
  /** Stops the echo service and the fake model. */
  stop(): Promise<void>;
}

/** The service URLs of a started platform, from its resolved ports. */
export function platformUrls(platform: Platform): PlatformUrls {
  const ports = Object.fromEntries(platform.services.map((service) => [service.spec.name, service.ports]));
  const url = (port: number | undefined) => `http://127.0.0.1:${port}`;
  return {
    identity: url(ports.identity?.port),
    catalog: url(ports.catalog?.port),
    metering: url(ports.metering?.port),
    gateway: url(ports.gateway?.extra.GATEWAY_PROXY_PORT),
    gatewayControl: url(ports.gateway?.port),
  };
}

async function probe(url: string, init: RequestInit): Promise<DemoCall['checked']> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
    return { status: response.status, note: describeAnswer(response.status, await response.text()) };
  } catch (error) {
    return { status: 0, note: `no answer (${(error as Error).message})` };
  }
}

/** The demo application's client secret: the saved one while identity still accepts it, else a new one (saved). */
async function clientToken(admin: GatehouseAdmin, options: DemoOptions, demo: DemoObjects, resource: string): Promise<string> {
  const clientId = demo.application.id;
  const saved = ((await readSecretsFile<DevSecrets>(options.secretsPath)).clients ?? {})[clientId];
  const attempt = (secret: string) =>
    retryWhile(
      () => clientCredentialsToken(admin.urls.identity, { id: clientId, secret }, resource),
      (error) => error instanceof ServiceError && error.code === 'invalid_target',
    );
  if (saved) {
    try {
      return (await attempt(saved)).access_token;
    } catch (error) {
      if (!(error instanceof ServiceError && error.code === 'invalid_client')) throw error;
    }
  }
  const created = await admin.createSecret(demo.tenantId, clientId);
  await saveClientSecret(options.secretsPath, clientId, created.clientSecret);
  return (await attempt(created.clientSecret)).access_token;
}

async function run(platform: Platform, options: DemoOptions, servers: { echo?: EchoUpstream; fake?: FakeProvider }): Promise<DemoSummary> {
  const urls = platformUrls(platform);
  const admin = new GatehouseAdmin(urls, () => options.adminToken);
  servers.echo = await startEchoUpstream({ port: ECHO_PORT });
  servers.fake = await startFakeProvider('openai-compatible');
  const openapiFile = join(options.root, 'test', 'fixtures', 'quickstart', 'echo-openapi.yaml');
  const demo = await seedHttpDemo(admin, { echoUrl: servers.echo.url, openapiFile });
  const problems: string[] = [];
  let ai: AiDemoObjects | null = null;
  try {
    ai = await seedAiDemo(admin, demo, servers.fake.baseUrl);
  } catch (error) {
    problems.push(`the AI demo could not be set up: ${(error as Error).message}`);
  }
  await admin.waitUntilInForce(demo.echoSubscription);
  if (ai) await admin.waitUntilInForce(ai.subscription);

  const calls: DemoCall[] = [];
  const echoToken = await clientToken(admin, options, demo, demo.echoApi.audience);
  const echoUrl = `${urls.gateway}${DEMO.echo.basePath}/hello?from=gatehouse`;
  calls.push({
    title: 'Call the Echo API through the gateway',
    curl: curlCommand(echoUrl, echoToken),
    checked: await probe(echoUrl, { headers: { authorization: `Bearer ${echoToken}` } }),
  });
  if (ai) {
    const aiToken = await clientToken(admin, options, demo, ai.api.audience);
    const aiUrl = `${urls.gateway}${AI_DEMO.api.basePath}/v1/chat/completions`;
    const body = { model: ai.model, messages: [{ role: 'user', content: 'Say hello' }] };
    calls.push({
      title: `Chat with ${ai.model} (a local fake model) through the AI route`,
      curl: curlCommand(aiUrl, aiToken, body),
      checked: await probe(aiUrl, { method: 'POST', headers: { authorization: `Bearer ${aiToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
  }
  return {
    tenantId: demo.tenantId,
    applicationId: demo.application.id,
    echo: { url: servers.echo.url, apiId: demo.echoApi.id, plan: `${demo.echoPlan.name} (10 requests/s, 1000 requests/day)` },
    fakeModel: { baseUrl: servers.fake.baseUrl },
    ai: ai ? { apiId: ai.api.id, plan: `${ai.plan.name} (5 requests/s, 100 000 tokens/day)`, model: ai.model } : null,
    calls,
    problems,
    secretsFile: relative(options.root, options.secretsPath) || options.secretsPath,
    adminTokenSource: options.adminTokenSource,
    urlExports: urlExports(urls),
  };
}

/**
 * The `npm start` demo. Its step never throws: a failure is reported and the platform keeps
 * running without it.
 */
export function createDemo(options: DemoOptions): Demo {
  const servers: { echo?: EchoUpstream; fake?: FakeProvider } = {};
  let lines: string[] = [];
  return {
    step: async (platform) => {
      try {
        lines = demoReport(await run(platform, options, servers));
      } catch (error) {
        lines = ['', `[demo] not set up: ${(error as Error).message}`, '[demo] the platform runs without it; `npm start -- --no-demo` skips it.'];
      }
    },
    report: () => lines,
    stop: async () => {
      await Promise.all([servers.echo?.close(), servers.fake?.close()]);
    },
  };
}

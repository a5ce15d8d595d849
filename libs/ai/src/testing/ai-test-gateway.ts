import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AiConfigInput, ProviderType } from '../config/ai-config';
import { createAiHandler, type AiHandlerOptions } from '../http/ai-handler';
import type { AttemptRecord } from '../routing/policy-executor';
import type { AiUsage } from '../usage/pricing';
import { fakeAiConfig } from './fake-config';
import { startFakeProviders, type FakeProvider } from './fake-providers';

/** A node:http server hosting createAiHandler in front of fake providers. */
export interface AiTestGateway {
  url: string;
  fakes: Record<ProviderType, FakeProvider>;
  /** Usage each request resolved with, in completion order. */
  usages: Array<AiUsage | null>;
  attempts: AttemptRecord[];
  /** Resolves with the usage of the next request that completes. */
  nextUsage(): Promise<AiUsage | null>;
  resetFakes(): void;
  close(): Promise<void>;
}

const allTypes: ProviderType[] = ['openai', 'azure-openai', 'anthropic', 'gemini', 'mistral', 'cohere', 'openai-compatible'];

/** Starts every fake provider and a gateway configured by `configure(base)` over them. */
export async function startAiTestGateway(
  configure: (base: AiConfigInput) => AiConfigInput = (base) => base,
  options: AiHandlerOptions = {},
): Promise<AiTestGateway> {
  const fakes = await startFakeProviders(allTypes);
  const attempts: AttemptRecord[] = [];
  const handler = createAiHandler(configure(fakeAiConfig(fakes)), { ...options, onAttempt: (attempt) => attempts.push(attempt) });
  const usages: Array<AiUsage | null> = [];
  const waiters: Array<(usage: AiUsage | null) => void> = [];
  const server: Server = createServer((req, res) => {
    handler(req, res).then((usage) => {
      usages.push(usage);
      waiters.shift()?.(usage);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    fakes,
    usages,
    attempts,
    nextUsage: () => new Promise((resolve) => waiters.push(resolve)),
    resetFakes: () => {
      for (const fake of Object.values(fakes)) fake.reset();
      attempts.length = 0;
      usages.length = 0;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await handler.upstream.close();
      await Promise.all(Object.values(fakes).map((fake) => fake.close()));
    },
  };
}

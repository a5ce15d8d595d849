import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAiHandler } from '../src/http/ai-handler';
import { startFakeProvider } from '../src/testing/fake-providers';

/** Where the fake providers listen, as the bench's child process reports it. */
export interface FakeAddresses {
  openai: { baseUrl: string; apiKey: string };
  anthropic: { baseUrl: string; apiKey: string };
}

/** Answers the parent's `cpu` messages with this process's CPU time in microseconds; exits when the parent lets go. */
function reportCpu(): void {
  // A normal exit (not a kill) lets `--cpu-prof` write its profile.
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message) => {
    if (message === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send!({ cpu: user + system });
    }
  });
}

/** Child process: the fake OpenAI and Anthropic providers (no pacing, no failures). */
export async function runFakes(): Promise<void> {
  const [openai, anthropic] = await Promise.all([startFakeProvider('openai'), startFakeProvider('anthropic')]);
  const addresses: FakeAddresses = {
    openai: { baseUrl: openai.baseUrl, apiKey: openai.apiKey },
    anthropic: { baseUrl: anthropic.baseUrl, apiKey: anthropic.apiKey },
  };
  // The fakes record every request; the bench sends hundreds of thousands, so forget them.
  setInterval(() => {
    openai.requests.length = 0;
    anthropic.requests.length = 0;
  }, 1000).unref();
  reportCpu();
  process.send!(addresses);
}

/** Child process: a node:http server hosting createAiHandler in front of the fakes. */
export async function runGateway(fakes: FakeAddresses): Promise<void> {
  const handler = createAiHandler({
    providers: [
      { id: 'openai', type: 'openai', ...fakes.openai },
      { id: 'anthropic', type: 'anthropic', ...fakes.anthropic },
    ],
    models: [
      { id: 'gpt-4o', provider: 'openai', upstreamModel: 'gpt-4o', contextWindow: 128_000, capabilities: ['chat'], prices: { input: 2.5, output: 10, cached: 1.25, currency: 'USD' } },
      { id: 'claude-sonnet', provider: 'anthropic', upstreamModel: 'claude-sonnet-4-20250514', contextWindow: 200_000, capabilities: ['chat'], prices: { input: 3, output: 15, cached: 0.3, currency: 'USD' } },
    ],
  });
  const server = createServer((req, res) => {
    void handler(req, res);
  });
  server.keepAliveTimeout = 30_000;
  reportCpu();
  server.listen(0, '127.0.0.1', () => process.send!({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
}

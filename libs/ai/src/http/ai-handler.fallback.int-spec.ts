import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAiTestGateway, type AiTestGateway } from '../testing/ai-test-gateway';

let gateway: AiTestGateway;
let client: OpenAI;

beforeAll(async () => {
  gateway = await startAiTestGateway((base) => ({
    ...base,
    policies: [
      {
        model: 'resilient',
        targets: [
          { provider: 'anthropic', model: 'claude-sonnet', weight: 1 },
          { provider: 'gemini', model: 'gemini-flash', weight: 0 },
          { provider: 'openai', model: 'gpt-4o', weight: 0 },
        ],
        retries: 0,
        timeoutMs: 1000,
      },
      { model: 'retrying', targets: [{ provider: 'anthropic', model: 'claude-sonnet', weight: 1 }], retries: 1, timeoutMs: 1000 },
      {
        model: 'balanced',
        targets: [
          { provider: 'openai', model: 'gpt-4o', weight: 3 },
          { provider: 'azure-openai', model: 'azure-gpt-4o', weight: 1 },
        ],
      },
    ],
  }));
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'gatehouse-token', maxRetries: 0 });
});
afterAll(() => gateway.close());
beforeEach(() => gateway.resetFakes());

const messages = [{ role: 'user' as const, content: 'Hi' }];

async function apiError(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OpenAI.APIError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}

describe('fallbacks', () => {
  it('moves to the next target on 429 and reports the chain', async () => {
    gateway.fakes.anthropic.behavior = { fail: { status: 429 } };
    const usage = gateway.nextUsage();
    const { data, response } = await client.chat.completions.create({ model: 'resilient', messages }).withResponse();
    expect(data.model).toBe('gemini-flash');
    expect(response.headers.get('x-gatehouse-ai-attempts')).toBe('anthropic:claude-sonnet=429,gemini:gemini-flash=200');
    expect(await usage).toMatchObject({ provider: 'gemini', model: 'gemini-flash', attempts: 'anthropic:claude-sonnet=429,gemini:gemini-flash=200' });
    expect(gateway.attempts.map((attempt) => attempt.outcome)).toEqual(['429', '200']);
  });

  it('moves on after a 503 and after a timeout', async () => {
    gateway.fakes.anthropic.behavior = { fail: { status: 503 } };
    gateway.fakes.gemini.behavior = { delayMs: 5000 };
    const { response } = await client.chat.completions.create({ model: 'resilient', messages }).withResponse();
    expect(response.headers.get('x-gatehouse-ai-attempts')).toBe('anthropic:claude-sonnet=503,gemini:gemini-flash=timeout,openai:gpt-4o=200');
  });

  it('answers 503 in OpenAI form when every target is down', async () => {
    for (const type of ['anthropic', 'gemini', 'openai'] as const) gateway.fakes[type].behavior = { fail: { status: 503 } };
    const error = await apiError(client.chat.completions.create({ model: 'resilient', messages }));
    expect(error.status).toBe(503);
    expect(error.type).toBe('api_error');
    expect(error.code).toBe('provider_unavailable');
    expect(error.headers?.get('x-gatehouse-ai-attempts')).toBe('anthropic:claude-sonnet=503,gemini:gemini-flash=503,openai:gpt-4o=503');
  });

  it('answers 429 when every target is rate limited', async () => {
    for (const type of ['anthropic', 'gemini', 'openai'] as const) gateway.fakes[type].behavior = { fail: { status: 429 } };
    const error = await apiError(client.chat.completions.create({ model: 'resilient', messages }));
    expect(error.status).toBe(429);
    expect(error.code).toBe('rate_limit_exceeded');
  });

  it('answers 502 when a provider fails with 500 and the rest are down', async () => {
    gateway.fakes.anthropic.behavior = { fail: { status: 503 } };
    gateway.fakes.gemini.behavior = { fail: { status: 503 } };
    gateway.fakes.openai.behavior = { fail: { status: 500 } };
    const error = await apiError(client.chat.completions.create({ model: 'resilient', messages }));
    expect(error.status).toBe(502);
  });

  it('retries the same target on a 5xx when the policy allows it', async () => {
    gateway.fakes.anthropic.behavior = { fail: { status: 500, times: 1 } };
    const { response } = await client.chat.completions.create({ model: 'retrying', messages }).withResponse();
    expect(response.headers.get('x-gatehouse-ai-attempts')).toBe('anthropic:claude-sonnet=500,anthropic:claude-sonnet=200');
  });

  it('does not fall back on a provider 400 and passes its message on', async () => {
    gateway.fakes.anthropic.behavior = { fail: { status: 400 } };
    const error = await apiError(client.chat.completions.create({ model: 'resilient', messages }));
    expect(error.status).toBe(400);
    expect(error.type).toBe('invalid_request_error');
    expect(error.message).toContain('roles must alternate');
    expect(gateway.fakes.gemini.requests).toHaveLength(0);
  });

  it('maps a provider 401 to an authentication error', async () => {
    gateway.fakes.anthropic.behavior = { fail: { status: 401 } };
    const error = await apiError(client.chat.completions.create({ model: 'claude-sonnet', messages }));
    expect(error.status).toBe(401);
    expect(error.type).toBe('authentication_error');
  });

  it('falls back before the first streamed byte', async () => {
    gateway.fakes.anthropic.behavior = { fail: { status: 529 } };
    const { data: stream, response } = await client.chat.completions.create({ model: 'resilient', messages, stream: true }).withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hello! How can I help you today?');
    expect(response.headers.get('x-gatehouse-ai-attempts')).toBe('anthropic:claude-sonnet=529,gemini:gemini-flash=200');
  });

  it('never falls back once the first byte was streamed: the stream ends with an error', async () => {
    // message_start, content_block_start, ping, "Hello", then the connection drops.
    gateway.fakes.anthropic.behavior = { breakStreamAfter: 5, streamDelayMs: 30 };
    const usage = gateway.nextUsage();
    const stream = await client.chat.completions.create({ model: 'resilient', messages, stream: true });
    let text = '';
    const failure = await (async () => {
      try {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      } catch (error) {
        return error as Error;
      }
      return null;
    })();
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(text.startsWith('Hello')).toBe(true);
    expect(gateway.fakes.gemini.requests).toHaveLength(0);
    expect(gateway.fakes.openai.requests).toHaveLength(0);
    expect(await usage).toMatchObject({ provider: 'anthropic', promptTokens: 2000, estimated: true });
  });

  it('relays a provider error event that comes after the first byte', async () => {
    gateway.fakes.anthropic.behavior = { streamFixture: 'stream-overloaded', streamDelayMs: 30 };
    const stream = await client.chat.completions.create({ model: 'resilient', messages, stream: true });
    const error = await (async () => {
      try {
        for await (const _chunk of stream) void _chunk;
      } catch (caught) {
        return caught as InstanceType<typeof OpenAI.APIError>;
      }
      return null;
    })();
    expect(error?.message).toContain('Overloaded');
    expect(gateway.fakes.gemini.requests).toHaveLength(0);
  });

  it('falls back when the provider stream fails before anything was sent to the client', async () => {
    gateway.fakes.anthropic.behavior = { streamFixture: 'stream-overloaded' };
    const { data: stream, response } = await client.chat.completions.create({ model: 'resilient', messages, stream: true }).withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hello! How can I help you today?');
    expect(response.headers.get('x-gatehouse-ai-attempts')).toBe('anthropic:claude-sonnet=503,gemini:gemini-flash=200');
  });

  it('spreads traffic across weighted targets', async () => {
    for (let index = 0; index < 40; index += 1) await client.chat.completions.create({ model: 'balanced', messages });
    const openai = gateway.fakes.openai.requests.length;
    const azure = gateway.fakes['azure-openai'].requests.length;
    expect(openai + azure).toBe(40);
    expect(openai).toBeGreaterThan(azure);
    expect(azure).toBeGreaterThan(0);
  });
});

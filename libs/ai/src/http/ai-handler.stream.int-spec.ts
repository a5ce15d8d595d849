import { request as httpRequest } from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAiTestGateway, type AiTestGateway } from '../testing/ai-test-gateway';

let gateway: AiTestGateway;
let client: OpenAI;

beforeAll(async () => {
  gateway = await startAiTestGateway();
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'gatehouse-token', maxRetries: 0 });
});
afterAll(() => gateway.close());
beforeEach(() => gateway.resetFakes());

const hello = 'Hello! How can I help you today?';
const weatherTool = { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };

const cases = [
  { model: 'gpt-4o', provider: 'openai', prompt: 2006, completion: 300, cached: 1920 },
  { model: 'azure-gpt-4o', provider: 'azure-openai', prompt: 25, completion: 10, cached: 0 },
  { model: 'claude-sonnet', provider: 'anthropic', prompt: 2000, completion: 250, cached: 800 },
  { model: 'gemini-flash', provider: 'gemini', prompt: 1500, completion: 400, cached: 1000 },
  { model: 'mistral-small', provider: 'mistral', prompt: 16, completion: 18, cached: 0 },
  { model: 'command-r-plus', provider: 'cohere', prompt: 5, completion: 10, cached: 0 },
  { model: 'llama3.2', provider: 'openai-compatible', prompt: 26, completion: 10, cached: 0 },
] as const;

describe('streaming chat completions', () => {
  it.each(cases)('streams $model with usage from the provider stream', async ({ model, provider, prompt, completion, cached }) => {
    const usage = gateway.nextUsage();
    const { data: stream, response } = await client.chat.completions
      .create({ model, messages: [{ role: 'user', content: 'Hi' }], stream: true, stream_options: { include_usage: true } })
      .withResponse();
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(response.headers.get('x-gatehouse-ai-attempts')).toBe(`${provider}:${model}=200`);
    let text = '';
    let finish: string | null = null;
    let reported: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      for (const choice of chunk.choices) {
        text += choice.delta.content ?? '';
        finish = choice.finish_reason ?? finish;
      }
      if (chunk.usage) reported = chunk.usage;
    }
    expect(text).toBe(hello);
    expect(finish).toBe('stop');
    expect(reported).toMatchObject({ prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion });
    expect(await usage).toMatchObject({ provider, model, promptTokens: prompt, completionTokens: completion, cachedTokens: cached, estimated: false });
  });

  it('asks OpenAI for usage even when the client did not, and sends none to that client', async () => {
    const usage = gateway.nextUsage();
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }], stream: true });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(gateway.fakes.openai.requests[0]!.body.stream_options).toEqual({ include_usage: true });
    expect(chunks.every((chunk) => chunk.usage === undefined && chunk.choices.length === 1)).toBe(true);
    expect(await usage).toMatchObject({ promptTokens: 2006, completionTokens: 300, costMicros: 5615 });
  });

  it('writes the first chunk before the provider has finished its stream', async () => {
    gateway.fakes.anthropic.behavior = { streamDelayMs: 150 };
    const stream = await client.chat.completions.create({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'Hi' }], stream: true });
    let completedAtFirstChunk: number | null = null;
    let text = '';
    for await (const chunk of stream) {
      completedAtFirstChunk ??= gateway.fakes.anthropic.streamsCompleted;
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(completedAtFirstChunk).toBe(0);
    expect(gateway.fakes.anthropic.streamsCompleted).toBe(1);
    expect(text).toBe(hello);
  });

  it.each(cases)('streams a tool call from $model', async ({ model }) => {
    const stream = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [weatherTool], stream: true });
    const calls = new Map<number, { id?: string; name?: string; args: string }>();
    let finish: string | null = null;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (!choice) continue;
      finish = choice.finish_reason ?? finish;
      for (const delta of choice.delta.tool_calls ?? []) {
        const call = calls.get(delta.index) ?? { args: '' };
        call.id ??= delta.id;
        call.name ??= delta.function?.name;
        call.args += delta.function?.arguments ?? '';
        calls.set(delta.index, call);
      }
    }
    expect(finish).toBe('tool_calls');
    expect(calls.size).toBe(1);
    const call = calls.get(0)!;
    expect(call.id).toBeTruthy();
    expect(call.name).toBe('get_weather');
    expect(JSON.parse(call.args)).toEqual({ city: 'Paris' });
  });
});

/** Streams a chat request over raw HTTP and hangs up right after the first chunk. */
function hangUpAfterFirstChunk(url: string, model: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
    req.end(JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'Hi' }] }));
  });
}

describe('client disconnect mid-stream', () => {
  it('keeps reading the provider stream for its usage', async () => {
    gateway.fakes.anthropic.behavior = { streamDelayMs: 40 };
    const usage = gateway.nextUsage();
    await hangUpAfterFirstChunk(gateway.url, 'claude-sonnet');
    expect(await usage).toMatchObject({ promptTokens: 2000, completionTokens: 250, cachedTokens: 800, estimated: false, costMicros: 7590 });
    expect(gateway.fakes.anthropic.streamsCompleted).toBe(1);
  });

  it('estimates the completion when the provider outlasts the drain deadline', async () => {
    const short = await startAiTestGateway(undefined, { drainOnDisconnectMs: 50 });
    try {
      short.fakes.anthropic.behavior = { streamDelayMs: 400 };
      const usage = short.nextUsage();
      await hangUpAfterFirstChunk(short.url, 'claude-sonnet');
      const recorded = await usage;
      // Input usage came with message_start; output was cut off and is estimated from the text seen.
      expect(recorded).toMatchObject({ promptTokens: 2000, cachedTokens: 800, estimated: true });
      expect(recorded!.completionTokens).toBeGreaterThanOrEqual(1);
      expect(short.fakes.anthropic.streamsCompleted).toBe(0);
    } finally {
      await short.close();
    }
  });
});

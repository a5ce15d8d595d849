import { AiModelStateV1, RouteStateV1 } from '@gatehouse/contracts';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BOOTSTRAP_TOKEN, GatewayHarness, type GatewayInstance, waitFor } from '../testing/gateway-harness';
import { routeState } from '../testing/state-builders';
import { UsageCollector } from '../testing/usage-collector';
import { modelState } from './testing/ai-state-builders';
import { type AiFakes, GLOBEX_AUDIENCE, LLM_AUDIENCE, publishAiWorld, SENTIMENT_AUDIENCE, startAiFakes } from './testing/ai-world';

const hello = 'Hello! How can I help you today?';
const weatherTool = {
  type: 'function' as const,
  function: { name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};

describe('AI routes through the gateway, configured from the catalog AI topic', () => {
  let harness: GatewayHarness;
  let gateway: GatewayInstance;
  let fakes: AiFakes;
  let usage: UsageCollector;
  let client: OpenAI;
  let llmToken: string;

  const scrape = async () => (await fetch(`${gateway.controlUrl}/metrics`)).text();
  /** The scrape once it has a line matching `pattern`. */
  const scrapeUntil = (pattern: RegExp, what: string) =>
    waitFor(async () => {
      const text = await scrape();
      return pattern.test(text) ? text : undefined;
    }, 10_000, what);

  /** The usage record of an answer, found by its request id once it reached the usage topic. */
  const recordOf = (requestId: string | null) => waitFor(() => usage.records.get(requestId!), 10_000, `usage record ${requestId}`);

  beforeAll(async () => {
    fakes = await startAiFakes();
    harness = await GatewayHarness.create('ai');
    await publishAiWorld(harness, fakes);
    usage = new UsageCollector(harness.kafka, harness.prefix);
    await usage.start();
    gateway = await harness.startGateway();
    llmToken = await harness.token({ audience: LLM_AUDIENCE, scope: '' });
    client = new OpenAI({ baseURL: `${gateway.proxyUrl}/llm/v1`, apiKey: llmToken, maxRetries: 0 });
  });

  afterAll(async () => {
    await usage?.stop();
    await harness?.cleanup();
    await Promise.all(Object.values(fakes ?? {}).map((fake) => fake.close()));
  });

  beforeEach(() => {
    for (const fake of Object.values(fakes)) fake.reset();
  });

  it('answers a chat completion with the tenant provider key and records tokens and cost from the catalog prices', async () => {
    const { data, response } = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] }).withResponse();
    expect(data.choices[0]!.message.content).toBe(hello);
    expect(data.model).toBe('gpt-4o');
    expect(data.usage).toMatchObject({ prompt_tokens: 2006, completion_tokens: 300, total_tokens: 2306 });
    expect(response.headers.get('x-gatehouse-ai-attempts')).toBe('p-openai:gpt-4o=200');
    const sent = fakes.openai.requests[0]!;
    expect(sent.headers.authorization).toBe(`Bearer ${fakes.openai.apiKey}`);
    expect(JSON.stringify(sent.headers)).not.toContain(llmToken);

    const record = await recordOf(response.headers.get('x-request-id'));
    expect(record).toMatchObject({ tenantId: 'acme', applicationId: 'app-1', apiId: 'api-llm', routeId: 'r-llm-chat', subscriptionId: 'sub-llm', planId: 'plan-llm', status: 200, rejection: null });
    // 86 uncached × 2.5 + 1920 cached × 1.25 + 300 × 10 = 215 + 2400 + 3000 µUSD
    expect(record.ai).toEqual({ provider: 'p-openai', model: 'gpt-4o', promptTokens: 2006, completionTokens: 300, cachedTokens: 1920, costMicros: 5615, currency: 'USD' });
  });

  it('translates to Anthropic and prices the answer with its own model', async () => {
    const { data, response } = await client.chat.completions.create({ model: 'claude-sonnet', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }] }).withResponse();
    expect(data.choices[0]!.message.content).toBe(hello);
    expect(fakes.anthropic.requests[0]!.body).toMatchObject({ model: 'claude-sonnet-4-20250514', system: 'Be brief.', max_tokens: 8192 });
    expect(fakes.anthropic.requests[0]!.headers['x-api-key']).toBe(fakes.anthropic.apiKey);
    const record = await recordOf(response.headers.get('x-request-id'));
    // 1200 uncached × 3 + 800 cached × 0.3 + 250 × 15 = 3600 + 240 + 3750 µUSD
    expect(record.ai).toEqual({ provider: 'p-anthropic', model: 'claude-sonnet', promptTokens: 2000, completionTokens: 250, cachedTokens: 800, costMicros: 7590, currency: 'USD' });
  });

  it('streams chunk by chunk with usage in the last chunk and on the usage record', async () => {
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'Hi' }], stream: true, stream_options: { include_usage: true } })
      .withResponse();
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    let text = '';
    let chunks = 0;
    let streamed: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      chunks += 1;
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) streamed = chunk.usage;
    }
    expect(text).toBe(hello);
    expect(chunks).toBeGreaterThan(3);
    expect(streamed).toMatchObject({ prompt_tokens: 2000, completion_tokens: 250, total_tokens: 2250 });
    const record = await recordOf(response.headers.get('x-request-id'));
    expect(record.ai).toEqual({ provider: 'p-anthropic', model: 'claude-sonnet', promptTokens: 2000, completionTokens: 250, cachedTokens: 800, costMicros: 7590, currency: 'USD' });
  });

  it('completes a tool-calling round trip through Anthropic tool_use and tool_result blocks', async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];
    const { data: first, response } = await client.chat.completions.create({ model: 'claude-sonnet', messages, tools: [weatherTool] }).withResponse();
    const call = first.choices[0]!.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(first.choices[0]!.finish_reason).toBe('tool_calls');
    expect(call).toMatchObject({ id: 'toolu_01A09q90qw90lq917835lq9', type: 'function', function: { name: 'get_weather' } });
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
    // 384 × 3 + 58 × 15 = 1152 + 870 µUSD
    expect((await recordOf(response.headers.get('x-request-id'))).ai).toMatchObject({ promptTokens: 384, completionTokens: 58, costMicros: 2022 });

    messages.push(first.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content: '{"sky":"sunny"}' });
    const second = await client.chat.completions.create({ model: 'claude-sonnet', messages, tools: [weatherTool] });
    expect(second.choices[0]!.message.content).toBe(hello);
    const sent = fakes.anthropic.requests[1]!.body as { messages: Array<{ role: string; content: Array<Record<string, unknown>> }> };
    expect(sent.messages[1]!.content).toContainEqual({ type: 'tool_use', id: call.id, name: 'get_weather', input: { city: 'Paris' } });
    expect(sent.messages[2]).toEqual({ role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '{"sky":"sunny"}' }] });
  });

  it('serves a prompt API as REST: variables in, JSON output, model and priced usage out', async () => {
    const token = await harness.token({ audience: SENTIMENT_AUDIENCE, scope: '' });
    fakes.openai.behavior = { fixture: 'chat-json' };
    const answer = await fetch(`${gateway.proxyUrl}/ai/sentiment`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ text: 'I love it' }) });
    expect(answer.status).toBe(200);
    // 60 × 2.5 + 12 × 10 = 150 + 120 µUSD
    expect(await answer.json()).toEqual({ output: { sentiment: 'positive', score: 0.92 }, model: 'gpt-4o', usage: { prompt_tokens: 60, completion_tokens: 12, total_tokens: 72, cost_micros: 270, currency: 'USD' } });
    const sent = fakes.openai.requests[0]!.body as { messages: Array<{ content: string }>; response_format: { type: string } };
    expect(sent.messages[1]!.content).toBe('Text: I love it');
    expect(sent.response_format.type).toBe('json_schema');
    const record = await recordOf(answer.headers.get('x-request-id'));
    expect(record).toMatchObject({ apiId: 'api-sentiment', routeId: 'r-sentiment', subscriptionId: 'sub-sentiment', status: 200 });
    expect(record.ai).toEqual({ provider: 'p-openai', model: 'gpt-4o', promptTokens: 60, completionTokens: 12, cachedTokens: 0, costMicros: 270, currency: 'USD' });

    const missing = await fetch(`${gateway.proxyUrl}/ai/sentiment`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'invalid_variable', param: 'text' } });
  });

  it('falls back to the next provider of the policy on a 503, with the chain in a header, on the record and in metrics', async () => {
    fakes.anthropic.behavior = { fail: { status: 503, times: 1 } };
    const { data, response } = await client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'Hi' }] }).withResponse();
    expect(data.choices[0]!.message.content).toBe(hello);
    expect(data.model).toBe('gpt-4o');
    expect(response.headers.get('x-gatehouse-ai-attempts')).toBe('p-anthropic:claude-sonnet=503,p-openai:gpt-4o=200');
    expect(fakes.anthropic.requests).toHaveLength(1);
    expect((await recordOf(response.headers.get('x-request-id'))).ai).toMatchObject({ provider: 'p-openai', model: 'gpt-4o', costMicros: 5615 });
    const metrics = await (await fetch(`${gateway.controlUrl}/metrics`)).text();
    expect(metrics).toMatch(/^gateway_ai_attempts_total\{provider="p-anthropic",model="claude-sonnet",outcome="503"[^}]*\} 1$/m);
    expect(metrics).toMatch(/^gateway_ai_attempts_total\{provider="p-openai",model="gpt-4o",outcome="200"[^}]*\} [1-9]\d*$/m);
  });

  it("refuses an application without a subscription with 403 in the gateway's own error shape, before any provider is called", async () => {
    const token = await harness.token({ audience: LLM_AUDIENCE, clientId: 'app-2', scope: '' });
    const other = new OpenAI({ baseURL: `${gateway.proxyUrl}/llm/v1`, apiKey: token, maxRetries: 0 });
    const refused = await other.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] }).catch((error: unknown) => error);
    // The SDK takes the `error` member of the body: the gateway's stable code.
    expect(refused).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((refused as InstanceType<typeof OpenAI.PermissionDeniedError>).error).toBe('no_subscription');
    expect((refused as Error).message).toBe('403 "no_subscription"');
    const raw = await fetch(`${gateway.proxyUrl}/llm/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{}' });
    expect(await raw.json()).toEqual({ error: 'no_subscription', message: 'the application has no approved subscription to this API', requestId: raw.headers.get('x-request-id') });
    const unauthenticated = await new OpenAI({ baseURL: `${gateway.proxyUrl}/llm/v1`, apiKey: 'not-a-token', maxRetries: 0 }).models.list().catch((error: unknown) => error);
    expect(unauthenticated).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(fakes.openai.requests).toHaveLength(0);
  });

  it("routes each tenant's AI API to that tenant's providers, models and prices", async () => {
    const token = await harness.token({ audience: GLOBEX_AUDIENCE, clientId: 'app-g', tenant: 'globex', scope: '' });
    const globex = new OpenAI({ baseURL: `${gateway.proxyUrl}/globex/v1`, apiKey: token, maxRetries: 0 });
    const { data, response } = await globex.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] }).withResponse();
    expect(data.model).toBe('gpt-4o');
    expect(fakes.globex.requests[0]!.headers.authorization).toBe(`Bearer ${fakes.globex.apiKey}`);
    expect(fakes.openai.requests).toHaveLength(0);
    const record = await recordOf(response.headers.get('x-request-id'));
    // 2006 prompt × 5 (no cached price: cached tokens at the input price) + 300 × 20 = 10030 + 6000 µEUR
    expect(record).toMatchObject({ tenantId: 'globex', applicationId: 'app-g', routeId: 'r-globex-chat' });
    expect(record.ai).toEqual({ provider: 'p-globex', model: 'gpt-4o', promptTokens: 2006, completionTokens: 300, cachedTokens: 1920, costMicros: 16030, currency: 'EUR' });
    expect(response.headers.get('x-gatehouse-ai-attempts')).toBe('p-globex:gpt-4o=200');
    // p-globex answers only this request, so its series hold exactly its tokens and cost.
    const metrics = await scrapeUntil(/^gateway_ai_cost_micros_total\{provider="p-globex"/m, 'p-globex cost in /metrics');
    expect(metrics).toMatch(/^gateway_ai_tokens_total\{provider="p-globex",model="gpt-4o",kind="prompt"[^}]*\} 2006$/m);
    expect(metrics).toMatch(/^gateway_ai_tokens_total\{provider="p-globex",model="gpt-4o",kind="completion"[^}]*\} 300$/m);
    expect(metrics).toMatch(/^gateway_ai_tokens_total\{provider="p-globex",model="gpt-4o",kind="cached"[^}]*\} 1920$/m);
    expect(metrics).toMatch(/^gateway_ai_cost_micros_total\{provider="p-globex",model="gpt-4o",currency="EUR"[^}]*\} 16030$/m);

    const view = (await (await fetch(`${gateway.controlUrl}/config`, { headers: { authorization: `Bearer ${BOOTSTRAP_TOKEN}` } })).json()) as { ai: Array<Record<string, unknown>> };
    expect(view.ai).toEqual([
      { tenantId: 'acme', serving: true, providers: ['p-anthropic', 'p-openai'], models: ['claude-sonnet', 'gpt-4o'], policies: ['smart'], prompts: ['r-sentiment'], skipped: [], buildError: null },
      { tenantId: 'globex', serving: true, providers: ['p-globex'], models: ['gpt-4o'], policies: [], prompts: [], skipped: [], buildError: null },
    ]);
    expect(JSON.stringify(view)).not.toContain('sk-');
  });

  it('names the API and tenant of every route in gateway_route_info, and forgets a removed route', async () => {
    const before = await scrape();
    expect(before).toMatch(/^gateway_route_info\{route="r-globex-chat",api="Pets",tenant="globex"[^}]*\} 1$/m);
    expect(before).toMatch(/^gateway_route_info\{route="r-llm-chat",api="Pets",tenant="acme"[^}]*\} 1$/m);

    await harness.publish(RouteStateV1, routeState({ routeId: 'r-info', apiName: 'Weather "v2"', tenantId: 'initech', path: '/weather/v2' }));
    await scrapeUntil(/^gateway_route_info\{route="r-info",api="Weather \\"v2\\"",tenant="initech"[^}]*\} 1$/m, 'r-info in gateway_route_info');
    await harness.tombstone(RouteStateV1, 'r-info');
    const after = await waitFor(async () => {
      const text = await scrape();
      return text.includes('route="r-info"') ? undefined : text;
    }, 10_000, 'r-info gone from gateway_route_info');
    expect(after).toMatch(/^gateway_route_info\{route="r-globex-chat"/m);
  });

  it('applies a model published or deleted while running within a second', async () => {
    const listed = async () => (await client.models.list()).data.map((model) => model.id);
    expect(await listed()).toEqual(expect.arrayContaining(['claude-sonnet', 'gpt-4o', 'smart']));
    expect(await listed()).not.toContain('gpt-4o-mini');
    let started = Date.now();
    await harness.publish(AiModelStateV1, modelState({ modelId: 'm-mini', name: 'gpt-4o-mini', providerId: 'p-openai', prices: null }));
    await waitFor(async () => (await listed()).includes('gpt-4o-mini'), 15_000, 'new model listed');
    console.log(`new model listed ${Date.now() - started} ms after its state record was produced (target: under a second)`);
    const { response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] }).withResponse();
    expect((await recordOf(response.headers.get('x-request-id'))).ai).toMatchObject({ model: 'gpt-4o-mini', costMicros: null, currency: null });

    started = Date.now();
    await harness.tombstone(AiModelStateV1, 'model:m-mini');
    await waitFor(async () => !(await listed()).includes('gpt-4o-mini'), 15_000, 'model removed');
    console.log(`removed model gone ${Date.now() - started} ms after its tombstone was produced (target: under a second)`);
    const gone = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] }).catch((error: unknown) => error);
    expect(gone).toBeInstanceOf(OpenAI.NotFoundError);
    expect((gone as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
  });
});

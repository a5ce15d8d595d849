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
const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather of a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  },
};

// Hand-computed: cost = uncached prompt × input + cached × cached price + completion × output (micro-units, half up).
const cases = [
  { model: 'gpt-4o', provider: 'openai', prompt: 2006, completion: 300, cached: 1920, cost: 5615 /* 86 × 2.5 + 1920 × 1.25 + 300 × 10 */ },
  { model: 'azure-gpt-4o', provider: 'azure-openai', prompt: 25, completion: 10, cached: 0, cost: 163 /* 62.5 + 100 = 162.5 → 163 */ },
  { model: 'claude-sonnet', provider: 'anthropic', prompt: 2000, completion: 250, cached: 800, cost: 7590 /* 1200 × 3 + 800 × 0.3 + 250 × 15 */ },
  { model: 'gemini-flash', provider: 'gemini', prompt: 1500, completion: 400, cached: 1000, cost: 235 /* 500 × 0.1 + 1000 × 0.025 + 400 × 0.4 */ },
  { model: 'mistral-small', provider: 'mistral', prompt: 16, completion: 18, cached: 0, cost: 7 /* 1.6 + 5.4 */ },
  { model: 'command-r-plus', provider: 'cohere', prompt: 5, completion: 10, cached: 0, cost: 113 /* billed units: 12.5 + 100 → 113 */ },
  { model: 'llama3.2', provider: 'openai-compatible', prompt: 26, completion: 10, cached: 0, cost: null },
] as const;

describe('chat completions through the official OpenAI SDK', () => {
  it.each(cases)('answers $model via $provider with usage and cost', async ({ model, provider, prompt, completion, cached, cost }) => {
    const usage = gateway.nextUsage();
    const { data, response } = await client.chat.completions
      .create({ model, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }], max_tokens: 100, temperature: 0.5 })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe(hello);
    expect(data.choices[0]!.finish_reason).toBe('stop');
    expect(data.model).toBe(model);
    expect(data.usage).toMatchObject({ prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion });
    expect(response.headers.get('x-gatehouse-ai-attempts')).toBe(`${provider}:${model}=200`);
    expect(await usage).toMatchObject({ provider, model, promptTokens: prompt, completionTokens: completion, cachedTokens: cached, costMicros: cost, priced: cost !== null });
    expect(gateway.fakes[provider].requests).toHaveLength(1);
  });

  it('translates the request to each wire format', async () => {
    const messages = [
      { role: 'system' as const, content: 'Be brief.' },
      { role: 'user' as const, content: 'Hi' },
    ];
    for (const model of ['claude-sonnet', 'gemini-flash', 'command-r-plus', 'mistral-small', 'azure-gpt-4o']) {
      await client.chat.completions.create({ model, messages, max_tokens: 100, temperature: 1.5, stop: ['END'] });
    }
    const anthropic = gateway.fakes.anthropic.requests[0]!;
    expect(anthropic.body).toEqual({
      model: 'claude-sonnet-4-20250514',
      max_tokens: 100,
      system: 'Be brief.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      stop_sequences: ['END'],
      temperature: 1,
    });
    expect(anthropic.headers['anthropic-version']).toBe('2023-06-01');
    const gemini = gateway.fakes.gemini.requests[0]!;
    expect(gemini.path).toBe('/v1beta/models/gemini-2.0-flash:generateContent');
    expect(gemini.body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      generationConfig: { maxOutputTokens: 100, stopSequences: ['END'], temperature: 1.5 },
    });
    expect(gateway.fakes.cohere.requests[0]!.body).toMatchObject({ model: 'command-r-plus-08-2024', temperature: 1, max_tokens: 100, stop_sequences: ['END'], stream: false });
    expect(gateway.fakes.mistral.requests[0]!.body).toEqual({ model: 'mistral-small-latest', messages, stream: false, temperature: 1.5, max_tokens: 100, stop: ['END'] });
    const azure = gateway.fakes['azure-openai'].requests[0]!;
    expect(azure.path).toBe('/openai/deployments/gpt-4o-prod/chat/completions');
    expect(azure.query.get('api-version')).toBe('2024-10-21');
    expect(azure.headers['api-key']).toBe(gateway.fakes['azure-openai'].apiKey);
    expect(azure.body.model).toBeUndefined();
  });

  it('uses the model max output tokens when Anthropic needs max_tokens and the client gave none', async () => {
    await client.chat.completions.create({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'Hi' }] });
    expect(gateway.fakes.anthropic.requests[0]!.body.max_tokens).toBe(8192);
  });

  it('maps Anthropic max_tokens to finish_reason length', async () => {
    gateway.fakes.anthropic.behavior = { fixture: 'chat-max-tokens' };
    const completion = await client.chat.completions.create({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 5 });
    expect(completion.choices[0]!.finish_reason).toBe('length');
  });

  it('maps a Gemini safety stop to content_filter', async () => {
    gateway.fakes.gemini.behavior = { fixture: 'chat-safety' };
    const completion = await client.chat.completions.create({ model: 'gemini-flash', messages: [{ role: 'user', content: 'Hi' }] });
    expect(completion.choices[0]!.finish_reason).toBe('content_filter');
  });

  it('passes images to Anthropic and Gemini in their own form', async () => {
    const image = 'data:image/png;base64,iVBORw0KGgo=';
    const messages = [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'What is this?' }, { type: 'image_url' as const, image_url: { url: image } }] }];
    await client.chat.completions.create({ model: 'claude-sonnet', messages });
    await client.chat.completions.create({ model: 'gemini-flash', messages });
    expect(gateway.fakes.anthropic.requests[0]!.body.messages[0].content[1]).toEqual({ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } });
    expect(gateway.fakes.gemini.requests[0]!.body.contents[0].parts[1]).toEqual({ inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } });
  });
});

describe('tool calling round trips', () => {
  const toolModels = [
    ['gpt-4o', 'openai'],
    ['azure-gpt-4o', 'azure-openai'],
    ['claude-sonnet', 'anthropic'],
    ['gemini-flash', 'gemini'],
    ['mistral-small', 'mistral'],
    ['command-r-plus', 'cohere'],
    ['llama3.2', 'openai-compatible'],
  ] as const;

  it.each(toolModels)('calls a tool and reads its result with %s', async (model, provider) => {
    const question = { role: 'user' as const, content: 'Weather in Paris?' };
    const first = await client.chat.completions.create({ model, messages: [question], tools: [weatherTool] });
    const choice = first.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    const call = choice.message.tool_calls![0]!;
    if (call.type !== 'function') throw new Error('expected a function call');
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
    expect(call.id).toBeTruthy();

    const second = await client.chat.completions.create({
      model,
      tools: [weatherTool],
      messages: [question, choice.message, { role: 'tool', tool_call_id: call.id, content: '{"temperature_c":18,"sky":"sunny"}' }],
    });
    expect(second.choices[0]!.message.content).toBe(hello);
    // The fake validated the tool result against the earlier call (ids for most, NAMES for Gemini).
    expect(gateway.fakes[provider].requests).toHaveLength(2);
  });

  it('sends Anthropic tool_use and tool_result blocks with matching ids and object input', async () => {
    const messages = [
      { role: 'user' as const, content: 'Weather in Paris?' },
      { role: 'assistant' as const, content: null, tool_calls: [{ id: 'call_abc', type: 'function' as const, function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool' as const, tool_call_id: 'call_abc', content: 'sunny' },
    ];
    await client.chat.completions.create({ model: 'claude-sonnet', messages, tools: [weatherTool], tool_choice: 'required' });
    const body = gateway.fakes.anthropic.requests[0]!.body;
    expect(body.messages[1]).toEqual({ role: 'assistant', content: [{ type: 'tool_use', id: 'call_abc', name: 'get_weather', input: { city: 'Paris' } }] });
    expect(body.messages[2]).toEqual({ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_abc', content: 'sunny' }] });
    expect(body.tools[0]).toEqual({ name: 'get_weather', description: 'Current weather of a city', input_schema: weatherTool.function.parameters });
    expect(body.tool_choice).toEqual({ type: 'any' });
  });

  it('sends Gemini function responses by name and drops schema keys it refuses', async () => {
    const messages = [
      { role: 'user' as const, content: 'Weather in Paris?' },
      { role: 'assistant' as const, content: null, tool_calls: [{ id: 'call_xyz', type: 'function' as const, function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool' as const, tool_call_id: 'call_xyz', content: '{"sky":"sunny"}' },
    ];
    await client.chat.completions.create({ model: 'gemini-flash', messages, tools: [weatherTool], tool_choice: { type: 'function', function: { name: 'get_weather' } } });
    const body = gateway.fakes.gemini.requests[0]!.body;
    expect(body.contents[1]).toEqual({ role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] });
    expect(body.contents[2]).toEqual({ role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { sky: 'sunny' } } }] });
    expect(body.tools[0].functionDeclarations[0].parameters).toEqual({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] });
    expect(body.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } });
  });

  it('maps OpenAI tool call ids to the 9 characters Mistral accepts, consistently', async () => {
    const messages = [
      { role: 'user' as const, content: 'Weather in Paris?' },
      { role: 'assistant' as const, content: null, tool_calls: [{ id: 'call_12345xyz', type: 'function' as const, function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool' as const, tool_call_id: 'call_12345xyz', content: 'sunny' },
    ];
    await client.chat.completions.create({ model: 'mistral-small', messages, tools: [weatherTool], tool_choice: 'required' });
    const body = gateway.fakes.mistral.requests[0]!.body;
    const id = body.messages[1].tool_calls[0].id;
    expect(id).toMatch(/^[A-Za-z0-9]{9}$/);
    expect(body.messages[2].tool_call_id).toBe(id);
    expect(body.tool_choice).toBe('any');
  });

  it('keeps the Cohere tool plan as the assistant content and sends it back as tool_plan', async () => {
    const first = await client.chat.completions.create({ model: 'command-r-plus', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [weatherTool] });
    expect(first.choices[0]!.message.content).toBe('I will look up the weather in Paris.');
    const call = first.choices[0]!.message.tool_calls![0]!;
    await client.chat.completions.create({
      model: 'command-r-plus',
      tools: [weatherTool],
      messages: [{ role: 'user', content: 'Weather in Paris?' }, first.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content: 'sunny' }],
    });
    const sent = gateway.fakes.cohere.requests[1]!.body.messages[1];
    expect(sent).toEqual({ role: 'assistant', tool_plan: 'I will look up the weather in Paris.', tool_calls: [{ id: call.id, type: 'function', function: (call as { function: unknown }).function }] });
  });
});

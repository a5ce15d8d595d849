import { validate } from '@readme/openapi-parser';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAiTestGateway, type AiTestGateway } from '../testing/ai-test-gateway';

let gateway: AiTestGateway;
let client: OpenAI;

beforeAll(async () => {
  gateway = await startAiTestGateway((base) => ({
    ...base,
    policies: [{ model: 'smart', targets: [{ provider: 'openai', model: 'gpt-4o', weight: 1 }] }],
    promptApis: [
      {
        id: 'sentiment',
        path: '/ai/sentiment',
        title: 'Sentiment',
        model: 'gpt-4o',
        messages: [
          { role: 'system', content: 'Classify the sentiment of the text.' },
          { role: 'user', content: 'Text: {{text}}\nLanguage: {{ language }}' },
        ],
        variables: [
          { name: 'text', type: 'string', maxLength: 50, description: 'The text to classify' },
          { name: 'language', type: 'enum', values: ['en', 'fr'], required: false, default: 'en' },
          { name: 'strict', type: 'boolean', required: false },
        ],
        parameters: { temperature: 0, max_tokens: 50 },
      },
      {
        id: 'sentiment-json',
        path: '/ai/sentiment-json',
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'Sentiment of {{text}} as JSON, top {{count}}' }],
        variables: [
          { name: 'text', type: 'string' },
          { name: 'count', type: 'number', integer: true, minimum: 1, maximum: 5 },
        ],
        responseFormat: 'json',
        outputSchema: { type: 'object', properties: { sentiment: { type: 'string' }, score: { type: 'number' } }, required: ['sentiment', 'score'] },
      },
    ],
  }));
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'gatehouse-token', maxRetries: 0 });
});
afterAll(() => gateway.close());
beforeEach(() => gateway.resetFakes());

async function apiError(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OpenAI.APIError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}

function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${gateway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

// Test bodies are read loosely; the assertions check their shape.
async function read(response: Response): Promise<any> {
  return response.json();
}

describe('embeddings', () => {
  it.each([
    ['text-embedding-3-small', 'openai', 8],
    ['azure-embedding', 'azure-openai', 8],
    ['gemini-embedding', 'gemini', 3 /* estimated: ceil(10 chars / 4) */],
    ['mistral-embed', 'mistral', 15],
    ['cohere-embed', 'cohere', 2],
    ['all-minilm', 'openai-compatible', 8],
  ] as const)('embeds with %s (the SDK asks base64 and decodes it)', async (model, provider, promptTokens) => {
    const usage = gateway.nextUsage();
    const result = await client.embeddings.create({ model, input: ['hello', 'goodbye'] });
    expect(result.data).toHaveLength(2);
    expect(result.data[0]!.embedding.length).toBeGreaterThan(2);
    expect(result.data[0]!.embedding.every((value) => Number.isFinite(value))).toBe(true);
    expect(result.usage.prompt_tokens).toBe(promptTokens);
    expect(await usage).toMatchObject({ provider, model, promptTokens, completionTokens: 0 });
  });

  it('returns floats when asked and sends Gemini one request per input', async () => {
    const result = await client.embeddings.create({ model: 'gemini-embedding', input: ['hello', 'goodbye'], encoding_format: 'float' });
    expect(result.data[0]!.embedding).toEqual([0.013168523, -0.008711934, -0.046782676, 0.00069968984]);
    expect(gateway.fakes.gemini.requests[0]!.path).toBe('/v1beta/models/text-embedding-004:batchEmbedContents');
    expect(gateway.fakes.gemini.requests[0]!.body.requests[1]).toEqual({ model: 'models/text-embedding-004', content: { parts: [{ text: 'goodbye' }] } });
    expect(gateway.fakes.cohere.requests).toHaveLength(0);
  });

  it('refuses a chat model for embeddings', async () => {
    const error = await apiError(client.embeddings.create({ model: 'gpt-4o', input: 'x' }));
    expect(error.status).toBe(400);
    expect(error.message).toContain("does not support embeddings");
  });
});

describe('models', () => {
  it('lists catalog models and policy names', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(expect.arrayContaining(['gpt-4o', 'claude-sonnet', 'gemini-flash', 'mistral-small', 'command-r-plus', 'llama3.2', 'smart']));
  });

  it('retrieves one model and 404s an unknown one', async () => {
    expect(await client.models.retrieve('claude-sonnet')).toMatchObject({ id: 'claude-sonnet', object: 'model', owned_by: 'anthropic' });
    const error = await apiError(client.models.retrieve('nope'));
    expect(error.status).toBe(404);
    expect(error.code).toBe('model_not_found');
  });
});

describe('bad input', () => {
  it('answers 404 model_not_found for an unknown model', async () => {
    const error = await apiError(client.chat.completions.create({ model: 'gpt-9', messages: [{ role: 'user', content: 'Hi' }] }));
    expect(error.status).toBe(404);
    expect(error.code).toBe('model_not_found');
    expect(error.param).toBe('model');
    expect(error.message).toContain("The model 'gpt-9' does not exist or you do not have access to it.");
  });

  it('names the malformed field', async () => {
    const response = await post('/v1/chat/completions', { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }, { role: 'wizard', content: 'x' }] });
    expect(response.status).toBe(400);
    const body = await read(response);
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param: 'messages[1].role', code: 'invalid_request' });
    const missing = await read(await post('/v1/chat/completions', { model: 'gpt-4o', messages: [{ role: 'tool', content: 'x' }] }));
    expect(missing.error.message).toBe("Missing required parameter: 'messages[0].tool_call_id'.");
    expect(gateway.fakes.openai.requests).toHaveLength(0);
  });

  it('refuses a body that is not JSON', async () => {
    const response = await post('/v1/chat/completions', '{"model": ');
    expect(response.status).toBe(400);
    expect((await read(response)).error.message).toContain('could not parse the JSON body');
  });

  it('refuses a prompt larger than the context window', async () => {
    const error = await apiError(client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'x'.repeat(10_000) }] }));
    expect(error.status).toBe(400);
    expect(error.code).toBe('context_length_exceeded');
    expect(error.message).toContain("maximum context length is 2048 tokens");
    expect(gateway.fakes['openai-compatible'].requests).toHaveLength(0);
  });

  it('refuses parameters a provider cannot honour', async () => {
    const error = await apiError(client.chat.completions.create({ model: 'claude-sonnet', n: 2, messages: [{ role: 'user', content: 'Hi' }] }));
    expect(error.status).toBe(400);
    expect(error.param).toBe('n');
  });

  it('refuses tool arguments that are not JSON before calling a provider that needs objects', async () => {
    const messages = [
      { role: 'user' as const, content: 'Hi' },
      { role: 'assistant' as const, content: null, tool_calls: [{ id: 'c1', type: 'function' as const, function: { name: 'f', arguments: '{oops' } }] },
      { role: 'tool' as const, tool_call_id: 'c1', content: 'x' },
    ];
    const error = await apiError(client.chat.completions.create({ model: 'claude-sonnet', messages, tools: [{ type: 'function', function: { name: 'f' } }] }));
    expect(error.status).toBe(400);
    expect(error.param).toBe('messages[1].tool_calls[0].function.arguments');
  });

  it('answers 404 for an unknown path and 405 for a wrong method', async () => {
    expect((await post('/v1/completions/legacy', {})).status).toBe(404);
    expect((await fetch(`${gateway.url}/v1/chat/completions`)).status).toBe(405);
  });
});

describe('prompt APIs', () => {
  it('renders the template with the variables as data and answers { output, model, usage }', async () => {
    const usage = gateway.nextUsage();
    const response = await post('/ai/sentiment', { text: 'I love {{language}} and $& it' });
    expect(response.status).toBe(200);
    expect(await read(response)).toEqual({
      output: 'Hello! How can I help you today?',
      model: 'gpt-4o',
      usage: { prompt_tokens: 2006, completion_tokens: 300, total_tokens: 2306, cost_micros: 5615, currency: 'USD' },
    });
    const sent = gateway.fakes.openai.requests[0]!.body;
    expect(sent.messages[1].content).toBe('Text: I love {{language}} and $& it\nLanguage: en');
    expect(sent).toMatchObject({ temperature: 0, max_tokens: 50, model: 'gpt-4o' });
    expect(await usage).toMatchObject({ model: 'gpt-4o', costMicros: 5615 });
  });

  it.each([
    [{}, 'text', "Variable 'text' is required"],
    [{ text: 42 }, 'text', "Variable 'text' must be a string, got number"],
    [{ text: 'x'.repeat(51) }, 'text', "Variable 'text' must be at most 50 characters"],
    [{ text: 'ok', language: 'de' }, 'language', "Variable 'language' must be one of 'en', 'fr'"],
    [{ text: 'ok', strict: 'yes' }, 'strict', "Variable 'strict' must be a boolean, got string"],
    [{ text: 'ok', mood: 'x' }, 'mood', "Unknown variable 'mood'"],
  ])('answers 400 naming the variable for %j', async (body, param, message) => {
    const response = await post('/ai/sentiment', body);
    expect(response.status).toBe(400);
    expect((await read(response)).error).toEqual({ message, type: 'invalid_request_error', param, code: 'invalid_variable' });
    expect(gateway.fakes.openai.requests).toHaveLength(0);
  });

  it('returns parsed JSON when the API answers JSON', async () => {
    gateway.fakes.openai.behavior = { fixture: 'chat-json' };
    const response = await post('/ai/sentiment-json', { text: 'great', count: 3 });
    expect(response.status).toBe(200);
    expect((await read(response)).output).toEqual({ sentiment: 'positive', score: 0.92 });
    expect(gateway.fakes.openai.requests[0]!.body.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'sentiment-json' } });
  });

  it('answers 502 when the model does not return the JSON promised', async () => {
    const response = await post('/ai/sentiment-json', { text: 'great', count: 3 });
    expect(response.status).toBe(502);
    expect((await read(response)).error.code).toBe('invalid_model_output');
  });

  it('serves a valid OpenAPI 3.1 document generated from the variables', async () => {
    const document = await read(await fetch(`${gateway.url}/ai/sentiment/openapi.json`));
    const result = await validate(structuredClone(document), { resolve: { external: false } });
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');
    expect(document.paths['/ai/sentiment'].post.requestBody.content['application/json'].schema).toEqual({
      type: 'object',
      additionalProperties: false,
      properties: {
        text: { description: 'The text to classify', type: 'string', maxLength: 50 },
        language: { type: 'string', enum: ['en', 'fr'], default: 'en' },
        strict: { type: 'boolean' },
      },
      required: ['text'],
    });
  });
});

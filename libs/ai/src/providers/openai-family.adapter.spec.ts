import { describe, expect, it } from 'vitest';
import { aiFactory, toolConversation, weatherTool } from '../testing/ai-factory';
import { azureOpenAiAdapter } from './azure-openai.adapter';
import { mistralAdapter, mistralToolCallId } from './mistral.adapter';
import { openAiCompatibleAdapter } from './openai-compatible.adapter';
import { openAiAdapter } from './openai.adapter';

describe('openai passthrough', () => {
  const target = aiFactory.target('openai', { upstreamModel: 'gpt-4o-2024-08-06' }, { baseUrl: 'https://api.openai.test/v1' });

  it('forwards the body with the upstream model and forces include_usage when streaming', () => {
    const request = openAiAdapter.chatRequest(aiFactory.request({ seed: 1, logit_bias: { '1': 2 } } as never), target, true);
    expect(request.url).toBe('https://api.openai.test/v1/chat/completions');
    expect(request.headers.authorization).toBe('Bearer secret-key');
    expect(JSON.parse(request.body)).toEqual({ model: 'gpt-4o-2024-08-06', messages: [{ role: 'user', content: 'Hi' }], seed: 1, logit_bias: { '1': 2 }, stream: true, stream_options: { include_usage: true } });
  });

  it('drops stream_options when not streaming', () => {
    expect(JSON.parse(openAiAdapter.chatRequest(aiFactory.request({ stream_options: { include_usage: true } }), target, false).body).stream_options).toBeUndefined();
  });

  it('captures usage from the final chunk and stops at [DONE]', () => {
    const translator = openAiAdapter.chatStream(aiFactory.context());
    const events = aiFactory.events([
      [null, { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-2024-08-06', choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null }], usage: null }],
      [null, { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'x', choices: [], usage: { prompt_tokens: 9, completion_tokens: 1, total_tokens: 10, prompt_tokens_details: { cached_tokens: 4 } } }],
      [null, '[DONE]'],
    ]);
    const chunks = events.flatMap((event) => translator.event(event));
    expect(chunks).toHaveLength(2);
    expect(chunks[0]!.model).toBe('catalog-model');
    expect(translator.tokens()).toEqual({ promptTokens: 9, completionTokens: 1, cachedTokens: 4 });
    expect(translator.finished).toBe(true);
    expect(translator.generatedChars).toBe(2);
  });

  it('estimates usage when a server reports none', () => {
    const { tokens } = openAiAdapter.chatResponse({ choices: [{ index: 0, message: { role: 'assistant', content: 'abcdefgh' }, finish_reason: 'stop' }] }, aiFactory.context());
    expect(tokens).toEqual({ promptTokens: 1 + 4, completionTokens: 2, cachedTokens: 0, estimated: true });
  });
});

describe('azure openai', () => {
  it('calls the deployment URL with api-version and the api-key header, without model', () => {
    const target = aiFactory.target('azure-openai', {}, { baseUrl: 'https://res.openai.azure.test/', deployment: 'prod 4o', apiVersion: '2025-01-01-preview' });
    const request = azureOpenAiAdapter.chatRequest(aiFactory.request(), target, false);
    expect(request.url).toBe('https://res.openai.azure.test/openai/deployments/prod%204o/chat/completions?api-version=2025-01-01-preview');
    expect(request.headers['api-key']).toBe('secret-key');
    expect(request.headers.authorization).toBeUndefined();
    expect(JSON.parse(request.body).model).toBeUndefined();
    const embeddings = azureOpenAiAdapter.embeddingsRequest!({ model: 'e', input: 'x' }, aiFactory.target('azure-openai', { upstreamModel: 'emb' }, { baseUrl: 'https://r.test' }));
    expect(embeddings.url).toBe('https://r.test/openai/deployments/emb/embeddings?api-version=2024-10-21');
  });
});

describe('openai-compatible servers', () => {
  it('sends developer messages as system and max_completion_tokens as max_tokens, no auth without a key', () => {
    const target = aiFactory.target('openai-compatible', { upstreamModel: 'llama3.2' }, { baseUrl: 'http://localhost:11434/v1', apiKey: '' });
    const request = openAiCompatibleAdapter.chatRequest(aiFactory.request({ messages: [{ role: 'developer', content: 'Sys' }, { role: 'user', content: 'Hi' }], max_completion_tokens: 5 }), target, false);
    expect(request.url).toBe('http://localhost:11434/v1/chat/completions');
    expect(request.headers.authorization).toBeUndefined();
    const body = JSON.parse(request.body);
    expect(body.messages[0]).toEqual({ role: 'system', content: 'Sys' });
    expect(body).toMatchObject({ max_tokens: 5, model: 'llama3.2' });
    expect(body.max_completion_tokens).toBeUndefined();
  });
});

describe('mistral', () => {
  const target = aiFactory.target('mistral', { upstreamModel: 'mistral-small-latest' }, { baseUrl: 'https://api.mistral.test/v1' });
  const body = (overrides: Parameters<typeof aiFactory.request>[0]) => JSON.parse(mistralAdapter.chatRequest(aiFactory.request(overrides), target, false).body);

  it('sends only the fields Mistral accepts, under its names', () => {
    expect(body({ seed: 4, user: 'u', max_completion_tokens: 7, logprobs: true, stop: 'x', messages: [{ role: 'developer', content: 'S' }, { role: 'user', content: 'Hi' }] } as never)).toEqual({
      model: 'mistral-small-latest',
      messages: [{ role: 'system', content: 'S' }, { role: 'user', content: 'Hi' }],
      stream: false,
      max_tokens: 7,
      stop: ['x'],
      random_seed: 4,
    });
  });

  it('maps tool call ids to 9 alphanumerics, the same in calls and results, and keeps its own ids', () => {
    const sent = body({ messages: toolConversation(), tools: [weatherTool], tool_choice: 'required' });
    const id = sent.messages[2].tool_calls[0].id;
    expect(id).toMatch(/^[A-Za-z0-9]{9}$/);
    expect(sent.messages[3].tool_call_id).toBe(id);
    expect(sent.tool_choice).toBe('any');
    expect(mistralToolCallId('D681PevKs')).toBe('D681PevKs');
    expect(mistralToolCallId('call_a')).not.toBe(mistralToolCallId('call_b'));
  });

  it('sends image parts with a URL string', () => {
    expect(body({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://i.test/a.png' } }] }] }).messages[0].content).toEqual([{ type: 'image_url', image_url: 'https://i.test/a.png' }]);
  });

  it('refuses n > 1', () => {
    expect(() => body({ n: 2 })).toThrow(expect.objectContaining({ status: 400, param: 'n' }));
  });

  it('reads the validation detail of a 422', () => {
    const error = mistralAdapter.error('mistral', 422, { object: 'error', message: { detail: [{ loc: ['body', 'foo'], msg: 'Extra inputs are not permitted' }] } });
    expect(error.status).toBe(400);
    expect(error.message).toContain('body.foo: Extra inputs are not permitted');
  });
});

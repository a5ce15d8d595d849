import { describe, expect, it } from 'vitest';
import { aiFactory, toolConversation, weatherTool } from '../../testing/ai-factory';
import { cohereAdapter } from './cohere.adapter';
import { cohereFinishReason } from './cohere-response';

const target = aiFactory.target('cohere', { upstreamModel: 'command-r-plus-08-2024' }, { baseUrl: 'https://api.cohere.test' });
const body = (overrides: Parameters<typeof aiFactory.request>[0], stream = false) => JSON.parse(cohereAdapter.chatRequest(aiFactory.request(overrides), target, stream).body);

describe('cohere request translation', () => {
  it('posts to /v2/chat with a bearer key', () => {
    const request = cohereAdapter.chatRequest(aiFactory.request(), target, true);
    expect(request.url).toBe('https://api.cohere.test/v2/chat');
    expect(request.headers.authorization).toBe('Bearer secret-key');
  });

  it('keeps roles, clamps temperature, p and penalties into Cohere ranges', () => {
    expect(body({ temperature: 1.5, top_p: 1, frequency_penalty: -1, presence_penalty: 2, max_tokens: 9, stop: 'END', seed: 3, messages: [{ role: 'developer', content: 'Sys' }, { role: 'user', content: 'Hi' }] })).toEqual({
      model: 'command-r-plus-08-2024',
      messages: [{ role: 'system', content: 'Sys' }, { role: 'user', content: 'Hi' }],
      stream: false,
      max_tokens: 9,
      stop_sequences: ['END'],
      temperature: 1,
      p: 0.99,
      seed: 3,
      frequency_penalty: 0,
      presence_penalty: 1,
    });
  });

  it('sends tool calls with string arguments and tool results by id; content before calls becomes tool_plan', () => {
    const messages = toolConversation();
    messages[2] = { ...messages[2]!, content: 'Let me look.' } as (typeof messages)[number];
    const sent = body({ messages, tools: [weatherTool], tool_choice: 'required' });
    expect(sent.messages[2]).toEqual({ role: 'assistant', tool_plan: 'Let me look.', tool_calls: [{ id: 'call_abc123', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] });
    expect(sent.messages[3]).toEqual({ role: 'tool', tool_call_id: 'call_abc123', content: '{"sky":"sunny"}' });
    expect(sent.tool_choice).toBe('REQUIRED');
  });

  it('maps a named tool choice to REQUIRED with only that tool', () => {
    const other = { type: 'function' as const, function: { name: 'other' } };
    const sent = body({ tools: [weatherTool, other], tool_choice: { type: 'function', function: { name: 'other' } } });
    expect(sent.tools).toEqual([other]);
    expect(sent.tool_choice).toBe('REQUIRED');
    expect(body({ tools: [weatherTool], tool_choice: 'none' }).tool_choice).toBe('NONE');
  });

  it('maps JSON response formats', () => {
    expect(body({ response_format: { type: 'json_object' } }).response_format).toEqual({ type: 'json_object' });
    expect(body({ response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } } }).response_format).toEqual({ type: 'json_object', json_schema: { type: 'object' } });
  });
});

describe('cohere answer translation', () => {
  it('maps finish reasons', () => {
    expect(['COMPLETE', 'STOP_SEQUENCE', 'MAX_TOKENS', 'TOOL_CALL', 'ERROR_TOXIC', 'ERROR_LIMIT', 'ERROR'].map(cohereFinishReason)).toEqual(['stop', 'stop', 'length', 'tool_calls', 'content_filter', 'length', 'stop']);
  });

  it('bills billed_units and shows the tool plan as content', () => {
    const { response, tokens } = cohereAdapter.chatResponse(
      {
        id: 'c1',
        finish_reason: 'TOOL_CALL',
        message: { role: 'assistant', tool_plan: 'I will look.', tool_calls: [{ id: 't1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        usage: { billed_units: { input_tokens: 37, output_tokens: 21 }, tokens: { input_tokens: 1082, output_tokens: 73 } },
      },
      aiFactory.context(),
    );
    expect(response.choices[0]!.message).toMatchObject({ content: 'I will look.', tool_calls: [{ id: 't1', function: { name: 'get_weather' } }] });
    expect(response.choices[0]!.finish_reason).toBe('tool_calls');
    expect(tokens).toEqual({ promptTokens: 37, completionTokens: 21, cachedTokens: 0 });
  });
});

describe('cohere stream translation', () => {
  it('turns plan, tool call and message-end events into chunks with usage', () => {
    const translator = cohereAdapter.chatStream(aiFactory.context());
    const events = aiFactory.events([
      ['message-start', { type: 'message-start', id: 'x', delta: { message: { role: 'assistant' } } }],
      ['tool-plan-delta', { type: 'tool-plan-delta', delta: { message: { tool_plan: 'Plan.' } } }],
      ['tool-call-start', { type: 'tool-call-start', index: 0, delta: { message: { tool_calls: { id: 't1', type: 'function', function: { name: 'f', arguments: '' } } } } }],
      ['tool-call-delta', { type: 'tool-call-delta', index: 0, delta: { message: { tool_calls: { function: { arguments: '{"a":1}' } } } } }],
      ['tool-call-end', { type: 'tool-call-end', index: 0 }],
      ['message-end', { type: 'message-end', delta: { finish_reason: 'TOOL_CALL', usage: { billed_units: { input_tokens: 3, output_tokens: 4 } } } }],
    ]);
    const chunks = events.flatMap((event) => translator.event(event));
    expect(chunks.map((chunk) => chunk.choices[0]?.delta ?? 'usage')).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Plan.' },
      { tool_calls: [{ index: 0, id: 't1', type: 'function', function: { name: 'f', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"a":1}' } }] },
      {},
      'usage',
    ]);
    expect(chunks[4]!.choices[0]!.finish_reason).toBe('tool_calls');
    expect(translator.tokens()).toEqual({ promptTokens: 3, completionTokens: 4, cachedTokens: 0 });
    expect(translator.finished).toBe(true);
  });
});

describe('cohere embeddings', () => {
  it('uses /v2/embed with an input type and float embeddings', () => {
    const request = cohereAdapter.embeddingsRequest!({ model: 'e', input: 'hello' }, target);
    expect(request.url).toBe('https://api.cohere.test/v2/embed');
    expect(JSON.parse(request.body)).toEqual({ model: 'command-r-plus-08-2024', texts: ['hello'], input_type: 'search_document', embedding_types: ['float'] });
    const { response, tokens } = cohereAdapter.embeddingsResponse!({ embeddings: { float: [[0.5, 0.25]] }, meta: { billed_units: { input_tokens: 1 } } }, { model: 'e', input: 'hello', encoding_format: 'base64' }, 'e');
    expect(Buffer.from(response.data[0]!.embedding as string, 'base64')).toEqual(Buffer.from(new Float32Array([0.5, 0.25]).buffer));
    expect(tokens.promptTokens).toBe(1);
  });
});

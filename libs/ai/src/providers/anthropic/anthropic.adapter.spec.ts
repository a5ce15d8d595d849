import { describe, expect, it } from 'vitest';
import { AiError } from '../../errors/ai-error';
import { aiFactory, toolConversation, weatherTool } from '../../testing/ai-factory';
import { anthropicAdapter } from './anthropic.adapter';
import { anthropicFinishReason } from './anthropic-response';

const target = aiFactory.target('anthropic', { maxOutputTokens: 2048 });
const body = (overrides: Parameters<typeof aiFactory.request>[0], stream = false) => JSON.parse(anthropicAdapter.chatRequest(aiFactory.request(overrides), target, stream).body);

describe('anthropic request translation', () => {
  it('targets /v1/messages with the key and version headers', () => {
    const request = anthropicAdapter.chatRequest(aiFactory.request(), target, false);
    expect(request.url).toBe('https://provider.test/base/v1/messages');
    expect(request.headers).toMatchObject({ 'x-api-key': 'secret-key', 'anthropic-version': '2023-06-01' });
  });

  it('moves system and developer messages to system, defaults max_tokens, clamps temperature, maps stop', () => {
    expect(
      body({
        messages: [{ role: 'system', content: 'A' }, { role: 'developer', content: [{ type: 'text', text: 'B' }] }, { role: 'user', content: 'Hi' }],
        temperature: 1.7,
        stop: 'END',
        top_p: 0.9,
        user: 'u-1',
      }),
    ).toEqual({
      model: 'upstream-model',
      max_tokens: 2048,
      system: 'A\n\nB',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      stop_sequences: ['END'],
      temperature: 1,
      top_p: 0.9,
      metadata: { user_id: 'u-1' },
    });
  });

  it('prefers max_completion_tokens, then max_tokens, then the model default, then 4096', () => {
    expect(body({ max_tokens: 10, max_completion_tokens: 20 }).max_tokens).toBe(20);
    expect(body({ max_tokens: 10 }).max_tokens).toBe(10);
    const bare = JSON.parse(anthropicAdapter.chatRequest(aiFactory.request(), aiFactory.target('anthropic'), false).body);
    expect(bare.max_tokens).toBe(4096);
  });

  it('turns tool calls and results into tool_use and tool_result blocks with the same ids', () => {
    const sent = body({ messages: toolConversation(), tools: [weatherTool], tool_choice: { type: 'function', function: { name: 'get_weather' } }, parallel_tool_calls: false });
    expect(sent.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'call_abc123', name: 'get_weather', input: { city: 'Paris' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_abc123', content: '{"sky":"sunny"}' }] },
    ]);
    expect(sent.tools).toEqual([{ name: 'get_weather', description: 'Weather of a city', input_schema: weatherTool.function.parameters }]);
    expect(sent.tool_choice).toEqual({ type: 'tool', name: 'get_weather', disable_parallel_tool_use: true });
  });

  it('maps every tool_choice', () => {
    const choice = (tool_choice: any) => body({ tools: [weatherTool], tool_choice }).tool_choice;
    expect(choice('auto')).toEqual({ type: 'auto' });
    expect(choice('required')).toEqual({ type: 'any' });
    expect(choice('none')).toEqual({ type: 'none' });
  });

  it('merges consecutive turns of one role so roles alternate', () => {
    const sent = body({
      messages: [
        { role: 'user', content: 'a' },
        { role: 'user', content: 'b' },
        { role: 'assistant', content: 'c' },
        { role: 'assistant', content: '' },
      ],
    });
    expect(sent.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'c' }] },
    ]);
  });

  it('sends images as base64 or url sources', () => {
    const sent = body({
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/jpeg;base64,AAAA' } }, { type: 'image_url', image_url: { url: 'https://img.test/a.png' } }] }],
    });
    expect(sent.messages[0].content).toEqual([
      { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: 'AAAA' } },
      { type: 'image', source: { type: 'url', url: 'https://img.test/a.png' } },
    ]);
  });

  it('asks for JSON through the system prompt', () => {
    expect(body({ response_format: { type: 'json_object' } }).system).toBe('Answer with one JSON object only, without any other text.');
  });

  it('refuses n > 1 and tool arguments that are not a JSON object', () => {
    expect(() => body({ n: 3 })).toThrow(AiError);
    const messages = toolConversation('c1', '[1,2]');
    expect(() => body({ messages, tools: [weatherTool] })).toThrow("'messages[2].tool_calls[0].function.arguments' must be a JSON object");
  });
});

describe('anthropic answer translation', () => {
  it('maps finish reasons', () => {
    expect(['end_turn', 'max_tokens', 'stop_sequence', 'tool_use', 'refusal', 'pause_turn'].map(anthropicFinishReason)).toEqual(['stop', 'length', 'stop', 'tool_calls', 'content_filter', 'stop']);
  });

  it('turns text and tool_use blocks into content and tool calls; counts cache reads and writes as prompt', () => {
    const { response, tokens } = anthropicAdapter.chatResponse(
      {
        id: 'msg_1',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
        ],
        stop_reason: 'tool_use',
        usage: { input_tokens: 100, cache_read_input_tokens: 50, cache_creation_input_tokens: 20, output_tokens: 30 },
      },
      aiFactory.context(),
    );
    expect(response.choices[0]).toEqual({
      index: 0,
      message: { role: 'assistant', content: 'Checking.', refusal: null, tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      finish_reason: 'tool_calls',
      logprobs: null,
    });
    expect(tokens).toEqual({ promptTokens: 170, completionTokens: 30, cachedTokens: 50 });
    expect(response.usage).toEqual({ prompt_tokens: 170, completion_tokens: 30, total_tokens: 200, prompt_tokens_details: { cached_tokens: 50 } });
  });

  it('maps provider errors to OpenAI statuses and types', () => {
    const error = anthropicAdapter.error('anthropic', 529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    expect(error).toMatchObject({ status: 503, type: 'api_error', code: 'provider_unavailable' });
    expect(error.message).toContain('Overloaded');
    expect(anthropicAdapter.error('anthropic', 429, {})).toMatchObject({ status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    expect(anthropicAdapter.error('anthropic', 403, {})).toMatchObject({ status: 403, type: 'authentication_error' });
  });
});

describe('anthropic stream translation', () => {
  const stream = () => anthropicAdapter.chatStream(aiFactory.context());
  const run = (events: Array<[string | null, unknown]>) => {
    const translator = stream();
    const chunks = aiFactory.events(events).flatMap((event) => translator.event(event));
    return { translator, chunks };
  };

  it('translates text deltas and takes usage from message_start and message_delta', () => {
    const { translator, chunks } = run([
      ['message_start', { type: 'message_start', message: { usage: { input_tokens: 10, cache_read_input_tokens: 5, output_tokens: 1 } } }],
      ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
      ['ping', { type: 'ping' }],
      ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } }],
      ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 7 } }],
      ['message_stop', { type: 'message_stop' }],
    ]);
    expect(chunks.map((chunk) => [chunk.choices[0]?.delta, chunk.choices[0]?.finish_reason ?? null])).toEqual([
      [{ role: 'assistant', content: '' }, null],
      [{ content: 'Hi' }, null],
      [{}, 'stop'],
      [undefined, null],
    ]);
    expect(chunks[3]!.usage).toEqual({ prompt_tokens: 15, completion_tokens: 7, total_tokens: 22, prompt_tokens_details: { cached_tokens: 5 } });
    expect(translator.finished).toBe(true);
    expect(translator.tokens()).toEqual({ promptTokens: 15, completionTokens: 7, cachedTokens: 5 });
  });

  it('streams tool_use blocks as tool call deltas numbered from zero', () => {
    const { chunks } = run([
      ['message_start', { type: 'message_start', message: { usage: { input_tokens: 10, output_tokens: 1 } } }],
      ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
      ['content_block_start', { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_9', name: 'get_weather', input: {} } }],
      ['content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"city":' } }],
      ['content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '"Paris"}' } }],
      ['message_delta', { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 20 } }],
    ]);
    const deltas = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(deltas).toEqual([
      { index: 0, id: 'toolu_9', type: 'function', function: { name: 'get_weather', arguments: '' } },
      { index: 0, function: { arguments: '{"city":' } },
      { index: 0, function: { arguments: '"Paris"}' } },
    ]);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('raises an error event as an OpenAI-shaped error', () => {
    const translator = stream();
    const [event] = aiFactory.events([['error', { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } }]]);
    expect(() => translator.event(event!)).toThrow(expect.objectContaining({ status: 429, code: 'rate_limit_exceeded' }));
  });
});

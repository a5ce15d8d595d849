import { describe, expect, it } from 'vitest';
import { aiFactory, toolConversation, weatherTool } from '../../testing/ai-factory';
import { geminiAdapter } from './gemini.adapter';
import { geminiFinishReason } from './gemini-response';

const target = aiFactory.target('gemini', { upstreamModel: 'gemini-2.0-flash' }, { baseUrl: 'https://generativelanguage.test/v1beta' });
const build = (overrides: Parameters<typeof aiFactory.request>[0], stream = false) => geminiAdapter.chatRequest(aiFactory.request(overrides), target, stream);
const body = (overrides: Parameters<typeof aiFactory.request>[0]) => JSON.parse(build(overrides).body);

describe('gemini request translation', () => {
  it('uses generateContent, or streamGenerateContent with alt=sse, and the key header', () => {
    expect(build({}).url).toBe('https://generativelanguage.test/v1beta/models/gemini-2.0-flash:generateContent');
    expect(build({}, true).url).toBe('https://generativelanguage.test/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse');
    expect(build({}).headers['x-goog-api-key']).toBe('secret-key');
  });

  it('puts system text in systemInstruction and parameters in generationConfig', () => {
    expect(
      body({
        messages: [{ role: 'system', content: 'Be terse.' }, { role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Yo' }, { role: 'user', content: 'Again' }],
        max_completion_tokens: 64,
        stop: ['x', 'y'],
        temperature: 1.8,
        top_p: 0.5,
        n: 2,
        seed: 7,
        response_format: { type: 'json_schema', json_schema: { name: 'out', schema: { type: 'object' } } },
      }),
    ).toEqual({
      contents: [
        { role: 'user', parts: [{ text: 'Hi' }] },
        { role: 'model', parts: [{ text: 'Yo' }] },
        { role: 'user', parts: [{ text: 'Again' }] },
      ],
      systemInstruction: { parts: [{ text: 'Be terse.' }] },
      generationConfig: { maxOutputTokens: 64, stopSequences: ['x', 'y'], temperature: 1.8, topP: 0.5, candidateCount: 2, seed: 7, responseMimeType: 'application/json', responseJsonSchema: { type: 'object' } },
    });
  });

  it('answers function calls by name, resolving tool_call_id through the earlier call', () => {
    const sent = body({ messages: toolConversation(), tools: [weatherTool], tool_choice: 'auto' });
    expect(sent.contents.slice(1)).toEqual([
      { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { sky: 'sunny' } } }] },
    ]);
    expect(sent.tools).toEqual([{ functionDeclarations: [{ name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }] }]);
    expect(sent.toolConfig).toEqual({ functionCallingConfig: { mode: 'AUTO' } });
  });

  it('wraps a tool result that is not a JSON object', () => {
    const messages = toolConversation();
    messages[3] = { role: 'tool', tool_call_id: 'call_abc123', content: 'sunny' };
    expect(body({ messages, tools: [weatherTool] }).contents[2].parts[0].functionResponse.response).toEqual({ content: 'sunny' });
  });

  it('refuses a tool result whose id matches no earlier call', () => {
    const messages = toolConversation();
    messages[3] = { role: 'tool', tool_call_id: 'other', content: 'x' };
    expect(() => body({ messages, tools: [weatherTool] })).toThrow(expect.objectContaining({ status: 400, param: 'messages[3].tool_call_id' }));
  });

  it('sends images inline or by URI', () => {
    const sent = body({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/webp;base64,UklG' } }, { type: 'image_url', image_url: { url: 'https://x.test/cat.png?size=2' } }] }] });
    expect(sent.contents[0].parts).toEqual([{ inlineData: { mimeType: 'image/webp', data: 'UklG' } }, { fileData: { mimeType: 'image/png', fileUri: 'https://x.test/cat.png?size=2' } }]);
  });

  it('maps tool_choice none and required', () => {
    expect(body({ tools: [weatherTool], tool_choice: 'none' }).toolConfig).toEqual({ functionCallingConfig: { mode: 'NONE' } });
    expect(body({ tools: [weatherTool], tool_choice: 'required' }).toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY' } });
  });
});

describe('gemini answer translation', () => {
  it('maps finish reasons', () => {
    expect(geminiFinishReason('STOP', false)).toBe('stop');
    expect(geminiFinishReason('STOP', true)).toBe('tool_calls');
    expect(geminiFinishReason('MAX_TOKENS', false)).toBe('length');
    expect(geminiFinishReason('SAFETY', false)).toBe('content_filter');
    expect(geminiFinishReason('RECITATION', false)).toBe('content_filter');
  });

  it('gives function calls fresh ids and string arguments; counts thinking as completion', () => {
    const { response, tokens } = geminiAdapter.chatResponse(
      {
        candidates: [{ content: { role: 'model', parts: [{ text: 'thinking', thought: true }, { functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] }, finishReason: 'STOP', index: 0 }],
        usageMetadata: { promptTokenCount: 100, candidatesTokenCount: 10, thoughtsTokenCount: 40, cachedContentTokenCount: 60 },
      },
      aiFactory.context(),
    );
    const message = response.choices[0]!.message;
    expect(message.content).toBeNull();
    expect(message.tool_calls![0]).toMatchObject({ type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } });
    expect(message.tool_calls![0]!.id).toMatch(/^call_/);
    expect(response.choices[0]!.finish_reason).toBe('tool_calls');
    expect(tokens).toEqual({ promptTokens: 100, completionTokens: 50, cachedTokens: 60 });
  });

  it('answers a blocked prompt with an empty content_filter choice', () => {
    const { response } = geminiAdapter.chatResponse({ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 5 } }, aiFactory.context());
    expect(response.choices).toEqual([{ index: 0, message: { role: 'assistant', content: '', refusal: null }, finish_reason: 'content_filter', logprobs: null }]);
  });

  it('maps a bad API key (a 400 with API_KEY_INVALID) to 401', () => {
    const error = geminiAdapter.error('gemini', 400, { error: { code: 400, message: 'API key not valid.', status: 'INVALID_ARGUMENT', details: [{ reason: 'API_KEY_INVALID' }] } });
    expect(error).toMatchObject({ status: 401, type: 'authentication_error' });
    expect(geminiAdapter.error('gemini', 429, { error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'quota' } })).toMatchObject({ status: 429 });
  });
});

describe('gemini stream translation', () => {
  it('streams text per candidate and keeps the last usageMetadata', () => {
    const translator = geminiAdapter.chatStream(aiFactory.context());
    const events = aiFactory.events([
      [null, { candidates: [{ content: { parts: [{ text: 'Hel' }] }, index: 0 }], usageMetadata: { promptTokenCount: 8 } }],
      [null, { candidates: [{ content: { parts: [{ text: 'lo' }] }, finishReason: 'MAX_TOKENS', index: 0 }], usageMetadata: { promptTokenCount: 8, candidatesTokenCount: 2 } }],
    ]);
    const chunks = events.flatMap((event) => translator.event(event));
    chunks.push(...translator.end());
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? chunk.choices[0]?.finish_reason ?? 'usage')).toEqual(['', 'Hel', 'lo', 'length', 'usage']);
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 8, completion_tokens: 2 });
    expect(translator.finished).toBe(true);
  });

  it('streams a function call as one complete tool call delta', () => {
    const translator = geminiAdapter.chatStream(aiFactory.context());
    const [event] = aiFactory.events([[null, { candidates: [{ content: { parts: [{ functionCall: { name: 'f', args: { a: 1 } } }] }, finishReason: 'STOP' }] }]]);
    const chunks = translator.event(event!);
    expect(chunks[1]!.choices[0]!.delta.tool_calls![0]).toMatchObject({ index: 0, type: 'function', function: { name: 'f', arguments: '{"a":1}' } });
    expect(chunks[2]!.choices[0]!.finish_reason).toBe('tool_calls');
  });
});

describe('gemini embeddings', () => {
  it('batches texts and estimates tokens it does not report', () => {
    const embed = aiFactory.target('gemini', { upstreamModel: 'models/text-embedding-004' }, { baseUrl: 'https://g.test/v1beta' });
    const request = geminiAdapter.embeddingsRequest!({ model: 'e', input: ['abcd', 'efghij'], dimensions: 8 }, embed);
    expect(request.url).toBe('https://g.test/v1beta/models/text-embedding-004:batchEmbedContents');
    expect(JSON.parse(request.body).requests[0]).toEqual({ model: 'models/text-embedding-004', content: { parts: [{ text: 'abcd' }] }, outputDimensionality: 8 });
    const { response, tokens } = geminiAdapter.embeddingsResponse!({ embeddings: [{ values: [1] }, { values: [2] }] }, { model: 'e', input: ['abcd', 'efghij'] }, 'e');
    expect(response.data.map((item) => item.embedding)).toEqual([[1], [2]]);
    expect(tokens).toEqual({ promptTokens: 3, completionTokens: 0, cachedTokens: 0, estimated: true });
  });

  it('refuses token arrays', () => {
    expect(() => geminiAdapter.embeddingsRequest!({ model: 'e', input: [1, 2, 3] }, target)).toThrow(expect.objectContaining({ param: 'input' }));
  });
});

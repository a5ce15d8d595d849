import type { AiModelConfig, AiProviderConfig, ProviderType } from '../config/ai-config';
import type { AnswerContext, ResolvedTarget } from '../providers/provider-adapter';
import type { SseEvent } from '../sse/sse-parser';
import type { ChatCompletionRequest } from '../types/openai-chat';

/** Builders for adapter specs. */
export const aiFactory = {
  target(type: ProviderType, model: Partial<AiModelConfig> = {}, provider: Partial<AiProviderConfig> = {}): ResolvedTarget {
    return {
      provider: { id: type, type, baseUrl: 'https://provider.test/base', apiKey: 'secret-key', ...provider },
      model: { id: 'catalog-model', provider: type, upstreamModel: 'upstream-model', contextWindow: 100_000, capabilities: ['chat', 'tools', 'vision'], prices: null, ...model },
    };
  },
  request(overrides: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest {
    return { model: 'catalog-model', messages: [{ role: 'user', content: 'Hi' }], ...overrides };
  },
  context(request: ChatCompletionRequest = aiFactory.request()): AnswerContext {
    return { id: 'chatcmpl-test', created: 1_700_000_000, model: 'catalog-model', request };
  },
  /** SSE events from `[event name | null, payload]` pairs. */
  events(pairs: Array<[string | null, unknown]>): SseEvent[] {
    return pairs.map(([event, data]) => ({ event, data: typeof data === 'string' ? data : JSON.stringify(data), id: null }));
  },
};

/** A conversation with one tool call and its result, in OpenAI's shape. */
export function toolConversation(callId = 'call_abc123', args = '{"city":"Paris"}'): ChatCompletionRequest['messages'] {
  return [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Weather in Paris?' },
    { role: 'assistant', content: null, tool_calls: [{ id: callId, type: 'function', function: { name: 'get_weather', arguments: args } }] },
    { role: 'tool', tool_call_id: callId, content: '{"sky":"sunny"}' },
  ];
}

/** The weather tool in OpenAI's shape. */
export const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Weather of a city',
    parameters: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  },
};

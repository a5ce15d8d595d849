import { createHash } from 'node:crypto';
import { AiError } from '../errors/ai-error';
import { mapProviderError } from '../errors/provider-error';
import type { ChatCompletionRequest, ChatMessage } from '../types/openai-chat';
import { embeddingTexts } from '../types/openai-embeddings';
import { estimateChatPromptTokens } from '../usage/token-estimate';
import { bearerHeader } from './openai.adapter';
import { OpenAiLikeStream, openAiLikeEmbeddings, openAiLikeResponse } from './openai-like';
import { maxTokens, requireSingleChoice, stopList } from './openai-shape';
import { joinUrl, type ProviderAdapter } from './provider-adapter';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Mistral accepts only tool call ids of exactly 9 letters or digits. Other ids (OpenAI's
 * `call_…`) are mapped by hash, the same way in the assistant message and the tool result,
 * so the pair still matches; ids Mistral issued pass unchanged.
 */
export function mistralToolCallId(id: string): string {
  if (/^[A-Za-z0-9]{9}$/.test(id)) return id;
  const digest = createHash('sha256').update(id).digest();
  let out = '';
  for (let index = 0; index < 9; index += 1) out += ALPHABET[digest[index]! % ALPHABET.length];
  return out;
}

function mistralMessage(message: ChatMessage): Record<string, unknown> {
  switch (message.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: message.content };
    case 'user':
      if (typeof message.content === 'string') return { role: 'user', content: message.content };
      return {
        role: 'user',
        content: message.content.map((part) => (part.type === 'text' ? part : { type: 'image_url', image_url: part.image_url.url })),
      };
    case 'assistant': {
      const out: Record<string, unknown> = { role: 'assistant', content: message.content ?? '' };
      if (message.tool_calls?.length) {
        out.tool_calls = message.tool_calls.map((call) => ({ id: mistralToolCallId(call.id), type: 'function', function: call.function }));
      }
      return out;
    }
    case 'tool':
      return { role: 'tool', content: message.content, tool_call_id: mistralToolCallId(message.tool_call_id) };
  }
}

/** Mistral's body: only the fields it accepts (it refuses unknown ones with 422). */
export function mistralBody(request: ChatCompletionRequest, model: string, stream: boolean): Record<string, unknown> {
  requireSingleChoice(request.n, 'Mistral');
  const body: Record<string, unknown> = { model, messages: request.messages.map(mistralMessage), stream };
  const set = (key: string, value: unknown) => {
    if (value !== undefined && value !== null) body[key] = value;
  };
  set('temperature', request.temperature);
  set('top_p', request.top_p);
  set('max_tokens', maxTokens(request));
  set('stop', stopList(request.stop));
  set('random_seed', request.seed);
  set('presence_penalty', request.presence_penalty);
  set('frequency_penalty', request.frequency_penalty);
  set('response_format', request.response_format);
  set('parallel_tool_calls', request.parallel_tool_calls);
  if (request.tools?.length) {
    body.tools = request.tools;
    const choice = request.tool_choice;
    set('tool_choice', choice === 'required' ? 'any' : choice);
  }
  return body;
}

/** Mistral (`baseUrl` `https://api.mistral.ai/v1`): OpenAI-like, with its own limits. */
export const mistralAdapter: ProviderAdapter = {
  chatRequest(request, { provider, model }, stream) {
    return {
      url: joinUrl(provider.baseUrl, '/chat/completions'),
      headers: { 'content-type': 'application/json', accept: stream ? 'text/event-stream' : 'application/json', ...bearerHeader(provider.apiKey) },
      body: JSON.stringify(mistralBody(request, model.upstreamModel, stream)),
    };
  },
  chatResponse(body, context) {
    return openAiLikeResponse('mistral', body, context, () => estimateChatPromptTokens(context.request));
  },
  chatStream(context) {
    return new OpenAiLikeStream('mistral', context);
  },
  embeddingsRequest(request, { provider, model }) {
    const texts = embeddingTexts(request.input);
    if (!texts) throw new AiError('unsupported_parameter', "Mistral embeddings take text 'input', not token arrays", 'input');
    const body: Record<string, unknown> = { model: model.upstreamModel, input: texts, encoding_format: 'float' };
    if (request.dimensions !== undefined) body.output_dimension = request.dimensions;
    return {
      url: joinUrl(provider.baseUrl, '/embeddings'),
      headers: { 'content-type': 'application/json', ...bearerHeader(provider.apiKey) },
      body: JSON.stringify(body),
    };
  },
  embeddingsResponse(body, request, model) {
    return openAiLikeEmbeddings('mistral', body, request, model, 'float');
  },
  error: mapProviderError,
};

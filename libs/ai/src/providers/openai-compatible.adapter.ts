import { mapProviderError } from '../errors/provider-error';
import type { ChatCompletionRequest } from '../types/openai-chat';
import { estimateChatPromptTokens } from '../usage/token-estimate';
import { bearerHeader, openAiBody } from './openai.adapter';
import { OpenAiLikeStream, openAiLikeEmbeddings, openAiLikeResponse } from './openai-like';
import { joinUrl, type ProviderAdapter } from './provider-adapter';

/**
 * What servers that copy OpenAI's API accept most widely: `developer` messages become
 * `system`, `max_completion_tokens` becomes `max_tokens`.
 */
function compatibleBody(request: ChatCompletionRequest, model: string, stream: boolean): Record<string, unknown> {
  const body = openAiBody(request, model, stream);
  body.messages = request.messages.map((message) => (message.role === 'developer' ? { ...message, role: 'system' } : message));
  if (request.max_completion_tokens != null) {
    body.max_tokens = body.max_tokens ?? request.max_completion_tokens;
    delete body.max_completion_tokens;
  }
  return body;
}

/**
 * Any OpenAI-compatible server by base URL including its version prefix (Ollama
 * `http://host:11434/v1`, vLLM `http://host:8000/v1`, Groq `https://api.groq.com/openai/v1`,
 * DeepSeek `https://api.deepseek.com/v1`, Together `https://api.together.xyz/v1`,
 * OpenRouter `https://openrouter.ai/api/v1`). The key is sent as a bearer token when set.
 */
export const openAiCompatibleAdapter: ProviderAdapter = {
  chatRequest(request, { provider, model }, stream) {
    return {
      url: joinUrl(provider.baseUrl, '/chat/completions'),
      headers: { 'content-type': 'application/json', ...bearerHeader(provider.apiKey) },
      body: JSON.stringify(compatibleBody(request, model.upstreamModel, stream)),
    };
  },
  chatResponse(body, context) {
    return openAiLikeResponse('openai-compatible', body, context, () => estimateChatPromptTokens(context.request));
  },
  chatStream(context) {
    return new OpenAiLikeStream('openai-compatible', context);
  },
  embeddingsRequest(request, { provider, model }) {
    return {
      url: joinUrl(provider.baseUrl, '/embeddings'),
      headers: { 'content-type': 'application/json', ...bearerHeader(provider.apiKey) },
      body: JSON.stringify({ ...request, model: model.upstreamModel }),
    };
  },
  embeddingsResponse(body, request, model) {
    return openAiLikeEmbeddings('openai-compatible', body, request, model, request.encoding_format ?? 'float');
  },
  error: mapProviderError,
};

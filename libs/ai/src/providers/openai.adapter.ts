import { mapProviderError } from '../errors/provider-error';
import type { ChatCompletionRequest } from '../types/openai-chat';
import type { EmbeddingsRequest } from '../types/openai-embeddings';
import { estimateChatPromptTokens } from '../usage/token-estimate';
import { OpenAiLikeStream, openAiLikeEmbeddings, openAiLikeResponse } from './openai-like';
import { joinUrl, type AnswerContext, type ProviderAdapter, type ResolvedTarget } from './provider-adapter';

/**
 * The request body OpenAI receives: the client's, with the upstream model name, and
 * `stream_options.include_usage` forced on when streaming so usage is always captured.
 */
export function openAiBody(request: ChatCompletionRequest, model: string | undefined, stream: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = { ...request, stream };
  if (model === undefined) delete body.model;
  else body.model = model;
  if (stream) body.stream_options = { ...(request.stream_options ?? {}), include_usage: true };
  else delete body.stream_options;
  return body;
}

function bearer(apiKey: string): Record<string, string> {
  return apiKey ? { authorization: `Bearer ${apiKey}` } : {};
}

/** OpenAI (`baseUrl` e.g. `https://api.openai.com/v1`): a passthrough. */
export const openAiAdapter: ProviderAdapter = {
  chatRequest(request, { provider, model }, stream) {
    return {
      url: joinUrl(provider.baseUrl, '/chat/completions'),
      headers: { 'content-type': 'application/json', ...bearer(provider.apiKey) },
      body: JSON.stringify(openAiBody(request, model.upstreamModel, stream)),
    };
  },
  chatResponse(body, context: AnswerContext) {
    return openAiLikeResponse('openai', body, context, () => estimateChatPromptTokens(context.request));
  },
  chatStream(context) {
    return new OpenAiLikeStream('openai', context);
  },
  embeddingsRequest(request: EmbeddingsRequest, { provider, model }: ResolvedTarget) {
    return {
      url: joinUrl(provider.baseUrl, '/embeddings'),
      headers: { 'content-type': 'application/json', ...bearer(provider.apiKey) },
      body: JSON.stringify({ ...request, model: model.upstreamModel }),
    };
  },
  embeddingsResponse(body, request, model) {
    return openAiLikeEmbeddings('openai', body, request, model, request.encoding_format ?? 'float');
  },
  error: mapProviderError,
};

export { bearer as bearerHeader };

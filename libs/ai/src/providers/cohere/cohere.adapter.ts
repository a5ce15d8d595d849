import { AiError } from '../../errors/ai-error';
import { mapProviderError } from '../../errors/provider-error';
import { embeddingTexts } from '../../types/openai-embeddings';
import { embeddingsAnswer } from '../openai-like';
import { bearerHeader } from '../openai.adapter';
import { joinUrl, type ProviderAdapter } from '../provider-adapter';
import { cohereBody } from './cohere-request';
import { CohereStream, cohereResponse } from './cohere-response';

/** `input_type` Cohere v3+ embedding models require; OpenAI's API has no such notion. */
export const COHERE_EMBED_INPUT_TYPE = 'search_document';

/** Cohere v2 (`baseUrl` `https://api.cohere.com`): `/v2/chat` and `/v2/embed`. */
export const cohereAdapter: ProviderAdapter = {
  chatRequest(request, { provider, model }, stream) {
    return {
      url: joinUrl(provider.baseUrl, '/v2/chat'),
      headers: { 'content-type': 'application/json', accept: stream ? 'text/event-stream' : 'application/json', ...bearerHeader(provider.apiKey) },
      body: JSON.stringify(cohereBody(request, model.upstreamModel, stream)),
    };
  },
  chatResponse: cohereResponse,
  chatStream(context) {
    return new CohereStream(context);
  },
  embeddingsRequest(request, { provider, model }) {
    const texts = embeddingTexts(request.input);
    if (!texts) throw new AiError('unsupported_parameter', "Cohere embeddings take text 'input', not token arrays", 'input');
    const body: Record<string, unknown> = { model: model.upstreamModel, texts, input_type: COHERE_EMBED_INPUT_TYPE, embedding_types: ['float'] };
    if (request.dimensions !== undefined) body.output_dimension = request.dimensions;
    return {
      url: joinUrl(provider.baseUrl, '/v2/embed'),
      headers: { 'content-type': 'application/json', ...bearerHeader(provider.apiKey) },
      body: JSON.stringify(body),
    };
  },
  embeddingsResponse(body, request, model) {
    const answer = body as { embeddings?: { float?: number[][] }; meta?: { billed_units?: { input_tokens?: number } } } | null;
    const vectors = answer?.embeddings?.float;
    if (!Array.isArray(vectors)) throw new AiError('provider_error', "Provider 'cohere' sent an unexpected embeddings answer");
    return embeddingsAnswer(vectors, request, model, answer?.meta?.billed_units?.input_tokens ?? 0);
  },
  error: mapProviderError,
};

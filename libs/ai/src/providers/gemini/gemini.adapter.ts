import { AiError } from '../../errors/ai-error';
import { mapProviderError } from '../../errors/provider-error';
import { embeddingTexts } from '../../types/openai-embeddings';
import { estimateTextTokens } from '../../usage/token-estimate';
import { embeddingsAnswer } from '../openai-like';
import { joinUrl, type ProviderAdapter, type ResolvedTarget } from '../provider-adapter';
import { geminiBody } from './gemini-request';
import { GeminiStream, geminiResponse } from './gemini-response';

function modelPath({ provider, model }: ResolvedTarget, method: string): string {
  const name = model.upstreamModel.replace(/^models\//, '');
  return joinUrl(provider.baseUrl, `/models/${encodeURIComponent(name)}:${method}`);
}

function headers(apiKey: string): Record<string, string> {
  return { 'content-type': 'application/json', 'x-goog-api-key': apiKey };
}

/** Gemini API 400s for a bad key; its `details` say so, and that is an authentication error. */
function geminiError(providerId: string, status: number, body: unknown): AiError {
  const details = (body as { error?: { details?: Array<{ reason?: string }> } } | null)?.error?.details;
  const badKey = status === 400 && Array.isArray(details) && details.some((detail) => detail.reason === 'API_KEY_INVALID');
  return mapProviderError(providerId, badKey ? 401 : status, body);
}

/** Google Gemini API (`baseUrl` `https://generativelanguage.googleapis.com/v1beta`). */
export const geminiAdapter: ProviderAdapter = {
  chatRequest(request, target, stream) {
    return {
      url: modelPath(target, stream ? 'streamGenerateContent?alt=sse' : 'generateContent'),
      headers: headers(target.provider.apiKey),
      body: JSON.stringify(geminiBody(request)),
    };
  },
  chatResponse: geminiResponse,
  chatStream(context) {
    return new GeminiStream(context);
  },
  embeddingsRequest(request, target) {
    const texts = embeddingTexts(request.input);
    if (!texts) throw new AiError('unsupported_parameter', "Gemini embeddings take text 'input', not token arrays", 'input');
    const model = `models/${target.model.upstreamModel.replace(/^models\//, '')}`;
    const dimensions = request.dimensions === undefined ? {} : { outputDimensionality: request.dimensions };
    return {
      url: modelPath(target, 'batchEmbedContents'),
      headers: headers(target.provider.apiKey),
      body: JSON.stringify({ requests: texts.map((text) => ({ model, content: { parts: [{ text }] }, ...dimensions })) }),
    };
  },
  /** Gemini reports no token usage for embeddings: prompt tokens are estimated (chars / 4). */
  embeddingsResponse(body, request, model) {
    const embeddings = (body as { embeddings?: Array<{ values?: number[] }> } | null)?.embeddings;
    if (!Array.isArray(embeddings)) throw new AiError('provider_error', "Provider 'gemini' sent an unexpected embeddings answer");
    const chars = (embeddingTexts(request.input) ?? []).reduce((sum, text) => sum + text.length, 0);
    return embeddingsAnswer(embeddings.map((item) => item.values ?? []), request, model, estimateTextTokens(chars), true);
  },
  error: geminiError,
};

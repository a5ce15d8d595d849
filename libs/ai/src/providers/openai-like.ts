import { AiError } from '../errors/ai-error';
import { mapProviderError } from '../errors/provider-error';
import type { SseEvent } from '../sse/sse-parser';
import type { ChatCompletionChunk, ChatCompletionResponse, OpenAiUsage } from '../types/openai-chat';
import { encodeEmbeddingBase64, type EmbeddingsRequest, type EmbeddingsResponse } from '../types/openai-embeddings';
import { estimateTextTokens } from '../usage/token-estimate';
import type { AnswerContext, ChatAnswer, StreamTranslator, TokenCounts } from './provider-adapter';

/** Token counts from an OpenAI usage block (cached tokens are part of the prompt tokens). */
export function tokensFromOpenAiUsage(usage: Partial<OpenAiUsage> | null | undefined): TokenCounts | null {
  if (!usage || typeof usage.prompt_tokens !== 'number') return null;
  return {
    promptTokens: usage.prompt_tokens,
    completionTokens: usage.completion_tokens ?? 0,
    cachedTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
  };
}

function unexpected(providerId: string, what: string): AiError {
  return new AiError('provider_error', `Provider '${providerId}' sent an unexpected ${what}`);
}

/** Reads an OpenAI-shaped completion; only the model name is rewritten. */
export function openAiLikeResponse(providerId: string, body: unknown, context: AnswerContext, estimatePrompt: () => number): ChatAnswer {
  const response = body as ChatCompletionResponse;
  if (!response || typeof response !== 'object' || !Array.isArray(response.choices)) throw unexpected(providerId, 'answer');
  response.model = context.model;
  let tokens = tokensFromOpenAiUsage(response.usage);
  if (!tokens) {
    const chars = response.choices.reduce((sum, choice) => sum + (choice.message?.content?.length ?? 0), 0);
    tokens = { promptTokens: estimatePrompt(), completionTokens: estimateTextTokens(chars), cachedTokens: 0, estimated: true };
  }
  return { response, tokens };
}

/** Passes OpenAI-shaped chunks through, capturing usage and counting generated text. */
export class OpenAiLikeStream implements StreamTranslator {
  generatedChars = 0;
  finished = false;
  private usage: TokenCounts | null = null;

  constructor(
    private readonly providerId: string,
    private readonly context: AnswerContext,
  ) {}

  event(event: SseEvent): ChatCompletionChunk[] {
    if (event.data === '[DONE]') {
      this.finished = true;
      return [];
    }
    let chunk: ChatCompletionChunk & { error?: unknown };
    try {
      chunk = JSON.parse(event.data);
    } catch {
      throw unexpected(this.providerId, 'stream event');
    }
    if (chunk.error) throw mapProviderError(this.providerId, 500, chunk);
    if (!Array.isArray(chunk.choices)) throw unexpected(this.providerId, 'stream event');
    chunk.model = this.context.model;
    const usage = tokensFromOpenAiUsage(chunk.usage);
    if (usage) this.usage = usage;
    for (const choice of chunk.choices) {
      const content = choice.delta?.content;
      if (typeof content === 'string') this.generatedChars += content.length;
      for (const call of choice.delta?.tool_calls ?? []) this.generatedChars += call.function?.arguments?.length ?? 0;
    }
    return [chunk];
  }

  end(): ChatCompletionChunk[] {
    return [];
  }

  tokens(): TokenCounts | null {
    return this.usage;
  }
}

/** Reads an OpenAI-shaped embeddings answer and re-encodes the vectors as the client asked. */
export function openAiLikeEmbeddings(
  providerId: string,
  body: unknown,
  request: EmbeddingsRequest,
  model: string,
  upstreamFormat: 'float' | 'base64',
): { response: EmbeddingsResponse; tokens: TokenCounts } {
  const response = body as EmbeddingsResponse;
  if (!response || typeof response !== 'object' || !Array.isArray(response.data)) throw unexpected(providerId, 'embeddings answer');
  const wanted = request.encoding_format ?? 'float';
  if (wanted === 'base64' && upstreamFormat === 'float') {
    for (const item of response.data) if (Array.isArray(item.embedding)) item.embedding = encodeEmbeddingBase64(item.embedding);
  }
  response.model = model;
  const prompt = response.usage?.prompt_tokens ?? 0;
  response.usage = { prompt_tokens: prompt, total_tokens: response.usage?.total_tokens ?? prompt };
  return { response, tokens: { promptTokens: prompt, completionTokens: 0, cachedTokens: 0 } };
}

/** Builds an OpenAI embeddings answer from plain vectors. */
export function embeddingsAnswer(vectors: number[][], request: EmbeddingsRequest, model: string, promptTokens: number, estimated = false) {
  const base64 = request.encoding_format === 'base64';
  const response: EmbeddingsResponse = {
    object: 'list',
    data: vectors.map((values, index) => ({ object: 'embedding', index, embedding: base64 ? encodeEmbeddingBase64(values) : values })),
    model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
  const tokens: TokenCounts = { promptTokens, completionTokens: 0, cachedTokens: 0, ...(estimated ? { estimated } : {}) };
  return { response, tokens };
}

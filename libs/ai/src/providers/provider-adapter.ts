import type { AiModelConfig, AiProviderConfig } from '../config/ai-config';
import type { AiError } from '../errors/ai-error';
import type { SseEvent } from '../sse/sse-parser';
import type { ChatCompletionChunk, ChatCompletionRequest, ChatCompletionResponse } from '../types/openai-chat';
import type { EmbeddingsRequest, EmbeddingsResponse } from '../types/openai-embeddings';

/** A provider and the catalog model it serves for one attempt. */
export interface ResolvedTarget {
  provider: AiProviderConfig;
  model: AiModelConfig;
}

/** An HTTP request to a provider, ready to send. */
export interface UpstreamRequest {
  /** Absolute URL. */
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Tokens of one answer, in OpenAI's sense: prompt tokens include the cached ones. */
export interface TokenCounts {
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  /** True when the provider reported none and they were estimated. */
  estimated?: boolean;
}

/** What a translated answer is labelled with. */
export interface AnswerContext {
  /** `chatcmpl-…` id for providers that give none usable. */
  id: string;
  created: number;
  /** The model name the client sees. */
  model: string;
  /** Request-scoped translation state (e.g. tool call id ↔ name maps). */
  request: ChatCompletionRequest;
}

/** A translated non-streaming answer. */
export interface ChatAnswer {
  response: ChatCompletionResponse;
  tokens: TokenCounts;
}

/** Turns one provider's stream events into OpenAI chunks, and keeps the usage seen. */
export interface StreamTranslator {
  /** Chunks for one upstream event; throws AiError for an error event. */
  event(event: SseEvent): ChatCompletionChunk[];
  /** Chunks owed when the upstream stream closed (finish, usage). */
  end(): ChatCompletionChunk[];
  /** Usage reported so far, or null. */
  tokens(): TokenCounts | null;
  /** Characters of generated text so far, for estimates when usage never came. */
  readonly generatedChars: number;
  /** Whether the provider signalled the end of its answer. */
  readonly finished: boolean;
}

/** Translation to and from one provider's wire format. Pure: no I/O. */
export interface ProviderAdapter {
  chatRequest(request: ChatCompletionRequest, target: ResolvedTarget, stream: boolean): UpstreamRequest;
  chatResponse(body: unknown, context: AnswerContext): ChatAnswer;
  chatStream(context: AnswerContext): StreamTranslator;
  embeddingsRequest?(request: EmbeddingsRequest, target: ResolvedTarget): UpstreamRequest;
  embeddingsResponse?(body: unknown, request: EmbeddingsRequest, model: string): { response: EmbeddingsResponse; tokens: TokenCounts };
  /** Maps an error answer (status, parsed body or text) to OpenAI's shape. */
  error(providerId: string, status: number, body: unknown): AiError;
}

/** Joins a provider base URL and a path without doubling or dropping slashes. */
export function joinUrl(base: string, path: string): string {
  return `${base.endsWith('/') ? base.slice(0, -1) : base}${path}`;
}

import { AiError } from '../../errors/ai-error';
import type { SseEvent } from '../../sse/sse-parser';
import type { ChatCompletionChunk, ChatCompletionResponse, ChatToolCall, FinishReason } from '../../types/openai-chat';
import { ChunkBuilder, newId, openAiUsage } from '../openai-shape';
import type { AnswerContext, ChatAnswer, StreamTranslator, TokenCounts } from '../provider-adapter';

interface GeminiPart {
  text?: string;
  thought?: boolean;
  functionCall?: { name: string; args?: Record<string, unknown> };
}
interface GeminiCandidate {
  index?: number;
  content?: { role?: string; parts?: GeminiPart[] };
  finishReason?: string;
}
interface GeminiUsage {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  cachedContentTokenCount?: number;
}
interface GeminiResponse {
  candidates?: GeminiCandidate[];
  usageMetadata?: GeminiUsage;
  promptFeedback?: { blockReason?: string };
}

const filtered = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'LANGUAGE']);

/** Gemini finish reasons → OpenAI: STOP → stop (tool_calls when it called functions), MAX_TOKENS → length, SAFETY & co → content_filter. */
export function geminiFinishReason(reason: string | undefined, calledTools: boolean): FinishReason {
  if (reason === 'MAX_TOKENS') return 'length';
  if (reason && filtered.has(reason)) return 'content_filter';
  return calledTools ? 'tool_calls' : 'stop';
}

/**
 * `promptTokenCount` includes `cachedContentTokenCount`; thinking tokens are billed as output,
 * so they count as completion tokens.
 */
export function geminiTokens(usage: GeminiUsage): TokenCounts {
  return {
    promptTokens: usage.promptTokenCount ?? 0,
    completionTokens: (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0),
    cachedTokens: usage.cachedContentTokenCount ?? 0,
  };
}

function toolCall(call: NonNullable<GeminiPart['functionCall']>): ChatToolCall {
  return { id: newId('call_'), type: 'function', function: { name: call.name, arguments: JSON.stringify(call.args ?? {}) } };
}

function unexpected(): AiError {
  return new AiError('provider_error', "Provider 'gemini' sent an unexpected answer");
}

/** Gemini `generateContent` answer → OpenAI completion; function calls get fresh ids. */
export function geminiResponse(body: unknown, context: AnswerContext): ChatAnswer {
  const answer = body as GeminiResponse;
  if (!answer || typeof answer !== 'object') throw unexpected();
  const candidates = answer.candidates ?? [];
  const choices: ChatCompletionResponse['choices'] = candidates.map((candidate, at) => {
    let text = '';
    const calls: ChatToolCall[] = [];
    for (const part of candidate.content?.parts ?? []) {
      if (part.functionCall) calls.push(toolCall(part.functionCall));
      else if (typeof part.text === 'string' && !part.thought) text += part.text;
    }
    return {
      index: candidate.index ?? at,
      message: { role: 'assistant', content: text || (calls.length ? null : ''), refusal: null, ...(calls.length ? { tool_calls: calls } : {}) },
      finish_reason: geminiFinishReason(candidate.finishReason, calls.length > 0),
      logprobs: null,
    };
  });
  if (choices.length === 0) {
    if (!answer.promptFeedback?.blockReason) throw unexpected();
    choices.push({ index: 0, message: { role: 'assistant', content: '', refusal: null }, finish_reason: 'content_filter', logprobs: null });
  }
  const tokens = geminiTokens(answer.usageMetadata ?? {});
  return {
    tokens,
    response: { id: context.id, object: 'chat.completion', created: context.created, model: context.model, choices, usage: openAiUsage(tokens) },
  };
}

/**
 * `streamGenerateContent?alt=sse` events → OpenAI chunks. Each event is a partial answer;
 * a function call arrives whole, so it becomes one tool call delta with all its arguments.
 * `usageMetadata` is cumulative: the last one seen is the answer's usage.
 */
export class GeminiStream implements StreamTranslator {
  generatedChars = 0;
  finished = false;
  private readonly chunks: ChunkBuilder;
  private usage: TokenCounts | null = null;
  private readonly started = new Set<number>();
  private readonly toolCounts = new Map<number, number>();

  constructor(context: AnswerContext) {
    this.chunks = new ChunkBuilder(context);
  }

  event(event: SseEvent): ChatCompletionChunk[] {
    const answer = JSON.parse(event.data) as GeminiResponse & { error?: unknown };
    if (answer.error) throw new AiError('provider_error', "Provider 'gemini' failed during the stream");
    if (answer.usageMetadata) this.usage = geminiTokens(answer.usageMetadata);
    const out: ChatCompletionChunk[] = [];
    (answer.candidates ?? []).forEach((candidate, at) => {
      const index = candidate.index ?? at;
      if (!this.started.has(index)) {
        this.started.add(index);
        out.push(this.chunks.role(index));
      }
      for (const part of candidate.content?.parts ?? []) {
        if (part.functionCall) {
          const call = toolCall(part.functionCall);
          const position = this.toolCounts.get(index) ?? 0;
          this.toolCounts.set(index, position + 1);
          this.generatedChars += call.function.arguments.length;
          out.push(this.chunks.tool({ index: position, id: call.id, type: 'function', function: call.function }, index));
        } else if (typeof part.text === 'string' && part.text && !part.thought) {
          this.generatedChars += part.text.length;
          out.push(this.chunks.text(part.text, index));
        }
      }
      if (candidate.finishReason) {
        this.finished = true;
        out.push(this.chunks.finish(geminiFinishReason(candidate.finishReason, (this.toolCounts.get(index) ?? 0) > 0), index));
      }
    });
    if (!answer.candidates?.length && answer.promptFeedback?.blockReason) {
      this.finished = true;
      out.push(this.chunks.role(), this.chunks.finish('content_filter'));
    }
    return out;
  }

  end(): ChatCompletionChunk[] {
    return this.usage ? [this.chunks.usage(this.usage)] : [];
  }

  tokens(): TokenCounts | null {
    return this.usage;
  }
}

import { randomUUID } from 'node:crypto';
import { AiError } from '../errors/ai-error';
import type { ChatCompletionChunk, ChatMessage, FinishReason, OpenAiUsage, ToolCallDelta } from '../types/openai-chat';
import type { AnswerContext, TokenCounts } from './provider-adapter';

/** A fresh id with OpenAI's prefix convention (randomUUID draws from a cached entropy pool). */
export function newId(prefix: string): string {
  return `${prefix}${randomUUID().replaceAll('-', '')}`;
}

/** OpenAI usage block from token counts. */
export function openAiUsage(tokens: TokenCounts): OpenAiUsage {
  return {
    prompt_tokens: tokens.promptTokens,
    completion_tokens: tokens.completionTokens,
    total_tokens: tokens.promptTokens + tokens.completionTokens,
    prompt_tokens_details: { cached_tokens: tokens.cachedTokens },
  };
}

/** Text of a message's content (parts joined), or '' when it has none. */
export function contentText(content: ChatMessage['content'] | undefined): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

/** Builds OpenAI stream chunks for one answer. */
export class ChunkBuilder {
  constructor(private readonly context: AnswerContext) {}

  chunk(delta: ChatCompletionChunk['choices'][number]['delta'], finish: FinishReason | null = null, index = 0): ChatCompletionChunk {
    const { id, created, model } = this.context;
    return { id, object: 'chat.completion.chunk', created, model, choices: [{ index, delta, finish_reason: finish }] };
  }

  role(index = 0): ChatCompletionChunk {
    return this.chunk({ role: 'assistant', content: '' }, null, index);
  }

  text(text: string, index = 0): ChatCompletionChunk {
    return this.chunk({ content: text }, null, index);
  }

  tool(delta: ToolCallDelta, index = 0): ChatCompletionChunk {
    return this.chunk({ tool_calls: [delta] }, null, index);
  }

  finish(reason: FinishReason, index = 0): ChatCompletionChunk {
    return this.chunk({}, reason, index);
  }

  usage(tokens: TokenCounts): ChatCompletionChunk {
    const { id, created, model } = this.context;
    return { id, object: 'chat.completion.chunk', created, model, choices: [], usage: openAiUsage(tokens) };
  }
}

/** Parses a tool call's `arguments` string into the object providers want. */
export function parseToolArguments(args: string, param: string): Record<string, unknown> {
  if (args.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(args);
  } catch {
    throw new AiError('invalid_request', `'${param}' is not valid JSON`, param);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new AiError('invalid_request', `'${param}' must be a JSON object`, param);
  }
  return value as Record<string, unknown>;
}

/** `stop` as a list. */
export function stopList(stop: string | string[] | null | undefined): string[] | undefined {
  if (stop === null || stop === undefined) return undefined;
  return typeof stop === 'string' ? [stop] : stop;
}

/** Refuses `n` > 1 for providers that answer with a single choice. */
export function requireSingleChoice(n: number | null | undefined, provider: string): void {
  if (n !== null && n !== undefined && n > 1) {
    throw new AiError('unsupported_parameter', `'n' greater than 1 is not supported by ${provider}`, 'n');
  }
}

/** A `data:` image URL split into media type and base64 payload, or null for other URLs. */
export function parseDataUrl(url: string): { mediaType: string; data: string } | null {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return match ? { mediaType: match[1]!, data: match[2]! } : null;
}

/** The requested completion limit, whichever field carried it. */
export function maxTokens(request: { max_tokens?: number | null; max_completion_tokens?: number | null }): number | undefined {
  return request.max_completion_tokens ?? request.max_tokens ?? undefined;
}

/** Parses a JSON body that may be text; returns the text itself when it is not JSON. */
export function parseJsonLoose(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

import { AiError } from '../../errors/ai-error';
import { mapProviderError } from '../../errors/provider-error';
import type { SseEvent } from '../../sse/sse-parser';
import type { ChatCompletionChunk, ChatToolCall, FinishReason } from '../../types/openai-chat';
import { ChunkBuilder, openAiUsage } from '../openai-shape';
import type { AnswerContext, ChatAnswer, StreamTranslator, TokenCounts } from '../provider-adapter';

interface AnthropicUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

/** Anthropic stop reasons → OpenAI finish reasons. */
export function anthropicFinishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop';
  }
}

/**
 * Anthropic's `input_tokens` excludes cache reads and writes; OpenAI's `prompt_tokens`
 * includes cached tokens, so prompt = input + cache read + cache creation, cached = cache read.
 */
export function anthropicTokens(usage: AnthropicUsage, output = usage.output_tokens ?? 0): TokenCounts {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  return {
    promptTokens: (usage.input_tokens ?? 0) + cacheRead + (usage.cache_creation_input_tokens ?? 0),
    completionTokens: output,
    cachedTokens: cacheRead,
  };
}

interface AnthropicMessageBody {
  id?: string;
  content?: Array<{ type: string; text?: string; id?: string; name?: string; input?: unknown }>;
  stop_reason?: string | null;
  usage?: AnthropicUsage;
}

/** Anthropic message → OpenAI completion. */
export function anthropicResponse(body: unknown, context: AnswerContext): ChatAnswer {
  const message = body as AnthropicMessageBody;
  if (!message || typeof message !== 'object' || !Array.isArray(message.content)) {
    throw new AiError('provider_error', "Provider 'anthropic' sent an unexpected answer");
  }
  let text = '';
  const toolCalls: ChatToolCall[] = [];
  for (const block of message.content) {
    if (block.type === 'text') text += block.text ?? '';
    else if (block.type === 'tool_use') {
      toolCalls.push({ id: block.id ?? '', type: 'function', function: { name: block.name ?? '', arguments: JSON.stringify(block.input ?? {}) } });
    }
  }
  const tokens = anthropicTokens(message.usage ?? {});
  return {
    tokens,
    response: {
      id: message.id ?? context.id,
      object: 'chat.completion',
      created: context.created,
      model: context.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: text || (toolCalls.length ? null : ''), refusal: null, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) },
          finish_reason: anthropicFinishReason(message.stop_reason),
          logprobs: null,
        },
      ],
      usage: openAiUsage(tokens),
    },
  };
}

const anthropicErrorStatus: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  overloaded_error: 529,
};

/**
 * Anthropic stream events → OpenAI chunks: `message_start` (role, input usage),
 * `content_block_start` (tool call id and name), `content_block_delta` (`text_delta`,
 * `input_json_delta`), `message_delta` (finish reason, output usage), `message_stop`.
 */
export class AnthropicStream implements StreamTranslator {
  generatedChars = 0;
  finished = false;
  private readonly chunks: ChunkBuilder;
  private usage: AnthropicUsage | null = null;
  private output = 0;
  private readonly toolIndex = new Map<number, number>();

  constructor(private readonly context: AnswerContext) {
    this.chunks = new ChunkBuilder(context);
  }

  event(event: SseEvent): ChatCompletionChunk[] {
    const data = JSON.parse(event.data) as Record<string, any>;
    switch (data.type) {
      case 'message_start':
        this.usage = data.message?.usage ?? {};
        this.output = this.usage?.output_tokens ?? 0;
        return [this.chunks.role()];
      case 'content_block_start': {
        const block = data.content_block ?? {};
        if (block.type !== 'tool_use') return [];
        const index = this.toolIndex.size;
        this.toolIndex.set(data.index, index);
        return [this.chunks.tool({ index, id: block.id, type: 'function', function: { name: block.name, arguments: '' } })];
      }
      case 'content_block_delta': {
        const delta = data.delta ?? {};
        if (delta.type === 'text_delta') {
          this.generatedChars += delta.text.length;
          return [this.chunks.text(delta.text)];
        }
        if (delta.type === 'input_json_delta') {
          const index = this.toolIndex.get(data.index);
          if (index === undefined || !delta.partial_json) return [];
          this.generatedChars += delta.partial_json.length;
          return [this.chunks.tool({ index, function: { arguments: delta.partial_json } })];
        }
        return [];
      }
      case 'message_delta': {
        if (data.usage) {
          this.output = data.usage.output_tokens ?? this.output;
          this.usage = { ...(this.usage ?? {}), ...withoutNulls(data.usage) };
        }
        return data.delta?.stop_reason ? [this.chunks.finish(anthropicFinishReason(data.delta.stop_reason))] : [];
      }
      case 'message_stop': {
        this.finished = true;
        const tokens = this.tokens();
        return tokens ? [this.chunks.usage(tokens)] : [];
      }
      case 'error': {
        const status = anthropicErrorStatus[data.error?.type] ?? 500;
        throw mapProviderError('anthropic', status, data);
      }
      default:
        return [];
    }
  }

  end(): ChatCompletionChunk[] {
    return [];
  }

  tokens(): TokenCounts | null {
    return this.usage ? anthropicTokens(this.usage, this.output) : null;
  }
}

function withoutNulls(usage: Record<string, unknown>): AnthropicUsage {
  return Object.fromEntries(Object.entries(usage).filter(([, value]) => typeof value === 'number')) as AnthropicUsage;
}

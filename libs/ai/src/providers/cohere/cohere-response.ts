import { AiError } from '../../errors/ai-error';
import { mapProviderError } from '../../errors/provider-error';
import type { SseEvent } from '../../sse/sse-parser';
import type { ChatCompletionChunk, ChatToolCall, FinishReason } from '../../types/openai-chat';
import { ChunkBuilder, openAiUsage } from '../openai-shape';
import type { AnswerContext, ChatAnswer, StreamTranslator, TokenCounts } from '../provider-adapter';

interface CohereUsage {
  billed_units?: { input_tokens?: number; output_tokens?: number };
  tokens?: { input_tokens?: number; output_tokens?: number };
  cached_tokens?: number;
}

/** Cohere finish reasons → OpenAI. */
export function cohereFinishReason(reason: string | undefined): FinishReason {
  switch (reason) {
    case 'MAX_TOKENS':
    case 'ERROR_LIMIT':
      return 'length';
    case 'TOOL_CALL':
      return 'tool_calls';
    case 'ERROR_TOXIC':
      return 'content_filter';
    default:
      return 'stop';
  }
}

/** Cohere bills `billed_units`; those are the counts used, `tokens` only when billing is absent. */
export function cohereTokens(usage: CohereUsage): TokenCounts {
  const counted = usage.billed_units ?? usage.tokens ?? {};
  return { promptTokens: counted.input_tokens ?? 0, completionTokens: counted.output_tokens ?? 0, cachedTokens: usage.cached_tokens ?? 0 };
}

interface CohereChatBody {
  id?: string;
  finish_reason?: string;
  message?: {
    content?: Array<{ type: string; text?: string }>;
    tool_plan?: string;
    tool_calls?: Array<{ id: string; type?: string; function: { name: string; arguments: string } }>;
  };
  usage?: CohereUsage;
}

/** Cohere v2 chat answer → OpenAI. `tool_plan` becomes the content beside the tool calls. */
export function cohereResponse(body: unknown, context: AnswerContext): ChatAnswer {
  const answer = body as CohereChatBody;
  if (!answer || typeof answer !== 'object' || !answer.message) throw new AiError('provider_error', "Provider 'cohere' sent an unexpected answer");
  const text = (answer.message.content ?? []).map((part) => (part.type === 'text' ? (part.text ?? '') : '')).join('');
  const calls: ChatToolCall[] = (answer.message.tool_calls ?? []).map((call) => ({
    id: call.id,
    type: 'function',
    function: { name: call.function.name, arguments: call.function.arguments ?? '{}' },
  }));
  const content = text || answer.message.tool_plan || (calls.length ? null : '');
  const tokens = cohereTokens(answer.usage ?? {});
  return {
    tokens,
    response: {
      id: answer.id ?? context.id,
      object: 'chat.completion',
      created: context.created,
      model: context.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content, refusal: null, ...(calls.length ? { tool_calls: calls } : {}) },
          finish_reason: cohereFinishReason(answer.finish_reason),
          logprobs: null,
        },
      ],
      usage: openAiUsage(tokens),
    },
  };
}

/**
 * Cohere v2 stream events → OpenAI chunks: message-start, content-delta and tool-plan-delta
 * (text), tool-call-start / tool-call-delta (tool call deltas), message-end (finish, usage).
 */
export class CohereStream implements StreamTranslator {
  generatedChars = 0;
  finished = false;
  private readonly chunks: ChunkBuilder;
  private usage: TokenCounts | null = null;
  private toolCount = 0;

  constructor(context: AnswerContext) {
    this.chunks = new ChunkBuilder(context);
  }

  event(event: SseEvent): ChatCompletionChunk[] {
    if (event.data === '[DONE]') return [];
    const data = JSON.parse(event.data) as Record<string, any>;
    const message = data.delta?.message ?? {};
    switch (data.type ?? event.event) {
      case 'message-start':
        return [this.chunks.role()];
      case 'content-delta':
        return this.text(message.content?.text);
      case 'tool-plan-delta':
        return this.text(message.tool_plan);
      case 'tool-call-start': {
        const call = message.tool_calls ?? {};
        const index = this.toolCount++;
        const args: string = call.function?.arguments ?? '';
        this.generatedChars += args.length;
        return [this.chunks.tool({ index, id: call.id, type: 'function', function: { name: call.function?.name, arguments: args } })];
      }
      case 'tool-call-delta': {
        const args: string = message.tool_calls?.function?.arguments ?? '';
        if (!args || this.toolCount === 0) return [];
        this.generatedChars += args.length;
        return [this.chunks.tool({ index: this.toolCount - 1, function: { arguments: args } })];
      }
      case 'message-end': {
        this.finished = true;
        if (data.delta?.usage) this.usage = cohereTokens(data.delta.usage);
        const out = [this.chunks.finish(cohereFinishReason(data.delta?.finish_reason))];
        if (this.usage) out.push(this.chunks.usage(this.usage));
        return out;
      }
      case 'error':
        throw mapProviderError('cohere', 500, data);
      default:
        return [];
    }
  }

  private text(text: unknown): ChatCompletionChunk[] {
    if (typeof text !== 'string' || !text) return [];
    this.generatedChars += text.length;
    return [this.chunks.text(text)];
  }

  end(): ChatCompletionChunk[] {
    return [];
  }

  tokens(): TokenCounts | null {
    return this.usage;
  }
}


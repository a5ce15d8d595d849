import { AiError } from '../../errors/ai-error';
import type { ChatCompletionRequest, ChatContentPart, ChatMessage } from '../../types/openai-chat';
import { contentText, maxTokens, parseDataUrl, parseToolArguments, requireSingleChoice, stopList } from '../openai-shape';
import type { ResolvedTarget } from '../provider-adapter';

/** `max_tokens` sent when neither the request nor the model config gives one. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

type Block = Record<string, unknown>;
interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: Block[];
}

function imageBlock(part: Extract<ChatContentPart, { type: 'image_url' }>, param: string): Block {
  const url = part.image_url.url;
  const inline = parseDataUrl(url);
  if (inline) return { type: 'image', source: { type: 'base64', media_type: inline.mediaType, data: inline.data } };
  if (/^https?:\/\//.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw new AiError('invalid_request', `'${param}' must be an https URL or a base64 data URL`, param);
}

function userBlocks(message: Extract<ChatMessage, { role: 'user' }>, index: number): Block[] {
  if (typeof message.content === 'string') return message.content ? [{ type: 'text', text: message.content }] : [];
  return message.content.flatMap((part, at): Block[] => {
    if (part.type === 'text') return part.text ? [{ type: 'text', text: part.text }] : [];
    return [imageBlock(part, `messages[${index}].content[${at}].image_url.url`)];
  });
}

function assistantBlocks(message: Extract<ChatMessage, { role: 'assistant' }>, index: number): Block[] {
  const blocks: Block[] = [];
  const text = contentText(message.content);
  if (text) blocks.push({ type: 'text', text });
  message.tool_calls?.forEach((call, at) => {
    const input = parseToolArguments(call.function.arguments, `messages[${index}].tool_calls[${at}].function.arguments`);
    blocks.push({ type: 'tool_use', id: call.id, name: call.function.name, input });
  });
  return blocks;
}

/** OpenAI messages → Anthropic `system` + alternating user/assistant messages. */
export function anthropicMessages(messages: readonly ChatMessage[]): { system: string | undefined; messages: AnthropicMessage[] } {
  const system: string[] = [];
  const out: AnthropicMessage[] = [];
  const append = (role: AnthropicMessage['role'], blocks: Block[]) => {
    if (blocks.length === 0) return;
    const last = out[out.length - 1];
    if (last && last.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  };
  messages.forEach((message, index) => {
    switch (message.role) {
      case 'system':
      case 'developer': {
        const text = contentText(message.content);
        if (text) system.push(text);
        return;
      }
      case 'user':
        return append('user', userBlocks(message, index));
      case 'assistant':
        return append('assistant', assistantBlocks(message, index));
      case 'tool':
        return append('user', [{ type: 'tool_result', tool_use_id: message.tool_call_id, content: contentText(message.content) }]);
    }
  });
  if (out.length === 0) throw new AiError('invalid_request', "'messages' must contain at least one user message", 'messages');
  return { system: system.length ? system.join('\n\n') : undefined, messages: out };
}

function toolChoice(request: ChatCompletionRequest): Block | undefined {
  const choice = request.tool_choice;
  const noParallel = request.parallel_tool_calls === false ? { disable_parallel_tool_use: true } : {};
  if (choice === undefined) return request.parallel_tool_calls === false ? { type: 'auto', ...noParallel } : undefined;
  if (choice === 'none') return { type: 'none' };
  if (choice === 'auto') return { type: 'auto', ...noParallel };
  if (choice === 'required') return { type: 'any', ...noParallel };
  return { type: 'tool', name: choice.function.name, ...noParallel };
}

function jsonInstruction(request: ChatCompletionRequest): string | undefined {
  const format = request.response_format;
  if (!format || format.type === 'text') return undefined;
  const schema = format.type === 'json_schema' && format.json_schema.schema ? ` matching this JSON Schema: ${JSON.stringify(format.json_schema.schema)}` : '';
  return `Answer with one JSON object only${schema}, without any other text.`;
}

/**
 * Anthropic Messages body. System and developer messages move to `system`; tool results
 * become `tool_result` blocks of a user turn; consecutive turns of one role merge; arguments
 * strings become `input` objects; temperature is clamped to Anthropic's 0..1; JSON response
 * formats become a system instruction (Anthropic has no JSON mode).
 */
export function anthropicBody(request: ChatCompletionRequest, { model }: ResolvedTarget, stream: boolean): Record<string, unknown> {
  requireSingleChoice(request.n, 'Anthropic');
  const { system, messages } = anthropicMessages(request.messages);
  const instruction = jsonInstruction(request);
  const systemText = [system, instruction].filter(Boolean).join('\n\n');
  const body: Record<string, unknown> = {
    model: model.upstreamModel,
    max_tokens: maxTokens(request) ?? model.maxOutputTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
    messages,
  };
  if (systemText) body.system = systemText;
  const stop = stopList(request.stop);
  if (stop?.length) body.stop_sequences = stop;
  if (request.temperature != null) body.temperature = Math.min(request.temperature, 1);
  if (request.top_p != null) body.top_p = request.top_p;
  if (request.tools?.length) {
    body.tools = request.tools.map(({ function: fn }) => ({
      name: fn.name,
      ...(fn.description ? { description: fn.description } : {}),
      input_schema: fn.parameters ?? { type: 'object', properties: {} },
    }));
  }
  const choice = body.tools ? toolChoice(request) : undefined;
  if (choice) body.tool_choice = choice;
  if (request.user) body.metadata = { user_id: request.user };
  if (stream) body.stream = true;
  return body;
}

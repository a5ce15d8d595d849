import type { ChatCompletionRequest, ChatMessage } from '../../types/openai-chat';
import { contentText, maxTokens, requireSingleChoice, stopList } from '../openai-shape';

function cohereMessage(message: ChatMessage): Record<string, unknown> {
  switch (message.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: contentText(message.content) };
    case 'user':
      return { role: 'user', content: message.content };
    case 'assistant': {
      const text = contentText(message.content);
      if (!message.tool_calls?.length) return { role: 'assistant', content: text };
      // Cohere keeps the reasoning before tool calls in `tool_plan`, the way it answered it.
      return {
        role: 'assistant',
        ...(text ? { tool_plan: text } : {}),
        tool_calls: message.tool_calls.map((call) => ({ id: call.id, type: 'function', function: call.function })),
      };
    }
    case 'tool':
      return { role: 'tool', tool_call_id: message.tool_call_id, content: contentText(message.content) };
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

/**
 * Cohere v2 chat body. Temperature is clamped to 0..1, `top_p` becomes `p` (0.01..0.99),
 * penalties to 0..1; `tool_choice` maps to REQUIRED/NONE (a named function sends only that
 * tool with REQUIRED); JSON formats map to `response_format` json_object (+ `json_schema`).
 */
export function cohereBody(request: ChatCompletionRequest, model: string, stream: boolean): Record<string, unknown> {
  requireSingleChoice(request.n, 'Cohere');
  const body: Record<string, unknown> = { model, messages: request.messages.map(cohereMessage), stream };
  const set = (key: string, value: unknown) => {
    if (value !== undefined && value !== null) body[key] = value;
  };
  set('max_tokens', maxTokens(request));
  set('stop_sequences', stopList(request.stop));
  if (request.temperature != null) body.temperature = clamp(request.temperature, 0, 1);
  if (request.top_p != null) body.p = clamp(request.top_p, 0.01, 0.99);
  set('seed', request.seed);
  if (request.frequency_penalty != null) body.frequency_penalty = clamp(request.frequency_penalty, 0, 1);
  if (request.presence_penalty != null) body.presence_penalty = clamp(request.presence_penalty, 0, 1);
  const format = request.response_format;
  if (format?.type === 'json_object') body.response_format = { type: 'json_object' };
  if (format?.type === 'json_schema') body.response_format = { type: 'json_object', ...(format.json_schema.schema ? { json_schema: format.json_schema.schema } : {}) };
  if (request.tools?.length) {
    const choice = request.tool_choice;
    const named = typeof choice === 'object' ? choice.function.name : null;
    body.tools = named ? request.tools.filter((tool) => tool.function.name === named) : request.tools;
    if (choice === 'required' || named) body.tool_choice = 'REQUIRED';
    if (choice === 'none') body.tool_choice = 'NONE';
  }
  return body;
}

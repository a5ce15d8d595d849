import { AiError } from '../../errors/ai-error';
import type { ChatCompletionRequest, ChatContentPart, ChatMessage } from '../../types/openai-chat';
import { contentText, maxTokens, parseDataUrl, parseToolArguments, stopList } from '../openai-shape';

type Part = Record<string, unknown>;
interface Content {
  role: 'user' | 'model';
  parts: Part[];
}

const imageTypes: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp', gif: 'image/gif', heic: 'image/heic' };

function imagePart(part: Extract<ChatContentPart, { type: 'image_url' }>): Part {
  const url = part.image_url.url;
  const inline = parseDataUrl(url);
  if (inline) return { inlineData: { mimeType: inline.mediaType, data: inline.data } };
  const extension = /\.([a-z0-9]+)(?:[?#].*)?$/i.exec(url)?.[1]?.toLowerCase() ?? '';
  return { fileData: { mimeType: imageTypes[extension] ?? 'image/jpeg', fileUri: url } };
}

/** A tool result as the `response` object Gemini wants: JSON objects as they are, anything else wrapped. */
function functionResponse(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    return { content: value };
  } catch {
    return { content: text };
  }
}

/**
 * OpenAI messages → Gemini `systemInstruction` + `contents`. Gemini matches function results
 * by NAME, so each `tool_call_id` is resolved to the name of the assistant tool call that
 * carried it earlier in the conversation.
 */
export function geminiContents(messages: readonly ChatMessage[]): { systemInstruction: Content['parts'] | undefined; contents: Content[] } {
  const system: string[] = [];
  const contents: Content[] = [];
  const names = new Map<string, string>();
  const append = (role: Content['role'], parts: Part[]) => {
    if (parts.length === 0) return;
    const last = contents[contents.length - 1];
    if (last && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };
  messages.forEach((message, index) => {
    switch (message.role) {
      case 'system':
      case 'developer': {
        const text = contentText(message.content);
        if (text) system.push(text);
        return;
      }
      case 'user': {
        const content = message.content;
        const parts = typeof content === 'string' ? [{ text: content }] : content.map((part) => (part.type === 'text' ? { text: part.text } : imagePart(part)));
        return append('user', parts);
      }
      case 'assistant': {
        const parts: Part[] = [];
        const text = contentText(message.content);
        if (text) parts.push({ text });
        message.tool_calls?.forEach((call, at) => {
          names.set(call.id, call.function.name);
          parts.push({ functionCall: { name: call.function.name, args: parseToolArguments(call.function.arguments, `messages[${index}].tool_calls[${at}].function.arguments`) } });
        });
        return append('model', parts);
      }
      case 'tool': {
        const name = names.get(message.tool_call_id);
        if (!name) {
          throw new AiError('invalid_request', `'messages[${index}].tool_call_id' does not match a tool call of an earlier assistant message`, `messages[${index}].tool_call_id`);
        }
        return append('user', [{ functionResponse: { name, response: functionResponse(contentText(message.content)) } }]);
      }
    }
  });
  return { systemInstruction: system.length ? [{ text: system.join('\n\n') }] : undefined, contents };
}

const schemaKeys = new Set([
  'type', 'format', 'title', 'description', 'nullable', 'enum', 'maxItems', 'minItems', 'properties', 'required', 'minProperties',
  'maxProperties', 'minLength', 'maxLength', 'pattern', 'example', 'anyOf', 'propertyOrdering', 'default', 'items', 'minimum', 'maximum',
]);

/** Keeps the OpenAPI subset Gemini's `parameters` accepts (drops `$schema`, `additionalProperties`...). */
export function geminiSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(geminiSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (!schemaKeys.has(key)) continue;
    if (key === 'properties' && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, geminiSchema(sub)]));
    } else out[key] = key === 'items' || key === 'anyOf' ? geminiSchema(value) : value;
  }
  return out;
}

function toolConfig(request: ChatCompletionRequest): Record<string, unknown> | undefined {
  const choice = request.tool_choice;
  if (choice === undefined) return undefined;
  if (choice === 'none') return { functionCallingConfig: { mode: 'NONE' } };
  if (choice === 'auto') return { functionCallingConfig: { mode: 'AUTO' } };
  if (choice === 'required') return { functionCallingConfig: { mode: 'ANY' } };
  return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.function.name] } };
}

function generationConfig(request: ChatCompletionRequest): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  const set = (key: string, value: unknown) => {
    if (value !== undefined && value !== null) config[key] = value;
  };
  set('maxOutputTokens', maxTokens(request));
  set('stopSequences', stopList(request.stop));
  set('temperature', request.temperature);
  set('topP', request.top_p);
  set('candidateCount', request.n);
  set('seed', request.seed);
  set('presencePenalty', request.presence_penalty);
  set('frequencyPenalty', request.frequency_penalty);
  const format = request.response_format;
  if (format && format.type !== 'text') {
    config.responseMimeType = 'application/json';
    if (format.type === 'json_schema' && format.json_schema.schema) config.responseJsonSchema = format.json_schema.schema;
  }
  return config;
}

/** Gemini `generateContent` body. Temperature passes as is: both sides use 0..2. */
export function geminiBody(request: ChatCompletionRequest): Record<string, unknown> {
  const { systemInstruction, contents } = geminiContents(request.messages);
  if (contents.length === 0) throw new AiError('invalid_request', "'messages' must contain at least one user message", 'messages');
  const body: Record<string, unknown> = { contents };
  if (systemInstruction) body.systemInstruction = { parts: systemInstruction };
  if (request.tools?.length) {
    body.tools = [
      {
        functionDeclarations: request.tools.map(({ function: fn }) => ({
          name: fn.name,
          ...(fn.description ? { description: fn.description } : {}),
          ...(fn.parameters ? { parameters: geminiSchema(fn.parameters) } : {}),
        })),
      },
    ];
    const config = toolConfig(request);
    if (config) body.toolConfig = config;
  }
  const config = generationConfig(request);
  if (Object.keys(config).length > 0) body.generationConfig = config;
  return body;
}

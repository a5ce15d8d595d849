import type { ChatCompletionRequest, ChatMessage } from '../types/openai-chat';

/** Tokens an image is assumed to cost when estimating (OpenAI's low-detail figure). */
export const IMAGE_TOKEN_ESTIMATE = 85;
const MESSAGE_OVERHEAD = 4;

/** ceil(characters / 4): about one token per four characters of English text. */
export function estimateTextTokens(chars: number): number {
  return Math.ceil(chars / 4);
}

function messageChars(message: ChatMessage): { chars: number; images: number } {
  let chars = 0;
  let images = 0;
  const content = message.content;
  if (typeof content === 'string') chars += content.length;
  else if (Array.isArray(content)) {
    for (const part of content) {
      if (part.type === 'text') chars += part.text.length;
      else images += 1;
    }
  }
  if (message.role === 'assistant' && message.tool_calls) {
    for (const call of message.tool_calls) chars += call.function.name.length + call.function.arguments.length;
  }
  return { chars, images };
}

/**
 * Estimated prompt tokens of a chat request, before any provider counted them: text
 * characters / 4 (rounded up) + 4 per message + 85 per image + tool definitions as JSON / 4.
 * Deliberately close to the low side for English so a request that fits is never refused;
 * the provider remains the authority and its own count is what gets billed.
 */
export function estimateChatPromptTokens(request: ChatCompletionRequest): number {
  let chars = 0;
  let images = 0;
  for (const message of request.messages) {
    const counted = messageChars(message);
    chars += counted.chars;
    images += counted.images;
  }
  if (request.tools) chars += JSON.stringify(request.tools).length;
  return estimateTextTokens(chars) + request.messages.length * MESSAGE_OVERHEAD + images * IMAGE_TOKEN_ESTIMATE;
}

import type { ServerResponse } from 'node:http';
import { chatCompletionRequestSchema } from '../types/openai-chat';
import { priceUsage, type AiUsage } from '../usage/pricing';
import { completeChat, type AiRuntime } from './chat-service';
import { streamChat } from './chat-stream';
import { ATTEMPTS_HEADER, sendJson } from './http-io';
import { parseRequest } from './request-validation';

/** `POST /v1/chat/completions`. */
export async function chatCompletionsRoute(runtime: AiRuntime, body: unknown, res: ServerResponse): Promise<AiUsage | null> {
  const request = parseRequest(chatCompletionRequestSchema, body);
  if (request.stream === true) return streamChat(runtime, request, res);
  const result = await completeChat(runtime, request);
  sendJson(res, 200, result.value.response, { [ATTEMPTS_HEADER]: result.chain });
  const { target } = result;
  return priceUsage(target.provider.id, target.model.id, result.value.tokens, target.model.prices, result.chain);
}

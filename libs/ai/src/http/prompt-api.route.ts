import type { ServerResponse } from 'node:http';
import { isAiError } from '../errors/ai-error';
import { promptChatRequest, promptOutput } from '../prompt/prompt-api';
import type { PromptApiConfig } from '../prompt/prompt-api.schema';
import { priceUsage, type AiUsage } from '../usage/pricing';
import { completeChat, type AiRuntime } from './chat-service';
import { ATTEMPTS_HEADER, sendError, sendJson } from './http-io';

/**
 * Invokes a prompt API: validate the variables, render the template (values are data), call
 * the model through its policy, answer `{ output, model, usage }`. Output that is not the
 * JSON promised is a 502, and its usage is still returned: the tokens were spent.
 */
export async function promptApiRoute(runtime: AiRuntime, api: PromptApiConfig, body: unknown, res: ServerResponse): Promise<AiUsage> {
  const request = promptChatRequest(api, body);
  const result = await completeChat(runtime, request);
  const { target, value } = result;
  const usage = priceUsage(target.provider.id, target.model.id, value.tokens, target.model.prices, result.chain);
  let output: unknown;
  try {
    output = promptOutput(api, value.response.choices[0]?.message.content ?? null);
  } catch (error) {
    if (!isAiError(error)) throw error;
    sendError(res, error, { [ATTEMPTS_HEADER]: result.chain });
    return usage;
  }
  sendJson(
    res,
    200,
    {
      output,
      model: target.model.id,
      usage: {
        prompt_tokens: usage.promptTokens,
        completion_tokens: usage.completionTokens,
        total_tokens: usage.promptTokens + usage.completionTokens,
        cost_micros: usage.costMicros,
        currency: usage.currency,
      },
    },
    { [ATTEMPTS_HEADER]: result.chain },
  );
  return usage;
}

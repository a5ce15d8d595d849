import { AiError } from '../errors/ai-error';
import type { ChatCompletionRequest } from '../types/openai-chat';
import type { PromptApiConfig } from './prompt-api.schema';
import { renderTemplate } from './prompt-template';
import { validatePromptValues } from './prompt-variables';

/** The chat request a prompt API invocation becomes, after its variables were validated. */
export function promptChatRequest(api: PromptApiConfig, body: unknown): ChatCompletionRequest {
  const values = validatePromptValues(api.variables, body);
  const messages = api.messages.map((message) => ({ role: message.role, content: renderTemplate(message.content, values) }));
  const request: ChatCompletionRequest = { model: api.model, messages, ...api.parameters };
  if (api.responseFormat === 'json') {
    request.response_format = api.outputSchema
      ? { type: 'json_schema', json_schema: { name: api.id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64), schema: api.outputSchema } }
      : { type: 'json_object' };
  }
  return request;
}

/** The output of a prompt API: the text, or the parsed JSON when the API answers JSON. */
export function promptOutput(api: PromptApiConfig, content: string | null): unknown {
  const text = content ?? '';
  if (api.responseFormat !== 'json') return text;
  const unfenced = text.trim().replace(/^```(?:json)?\s*([\s\S]*?)\s*```$/, '$1');
  try {
    return JSON.parse(unfenced);
  } catch {
    throw new AiError('invalid_model_output', `The model did not return valid JSON for prompt API '${api.id}'`);
  }
}

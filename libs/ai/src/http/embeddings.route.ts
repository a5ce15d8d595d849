import type { ServerResponse } from 'node:http';
import { AiError } from '../errors/ai-error';
import { adapters } from '../providers/adapters';
import { parseJsonLoose } from '../providers/openai-shape';
import { formatAttempts, runPolicy } from '../routing/policy-executor';
import { embeddingsRequestSchema } from '../types/openai-embeddings';
import { priceUsage, type AiUsage } from '../usage/pricing';
import { afterSend, failedAttempt, policyRun, type AiRuntime } from './chat-service';
import { ATTEMPTS_HEADER, sendJson } from './http-io';
import { parseRequest } from './request-validation';

/** `POST /v1/embeddings` for OpenAI, Azure, Gemini, Mistral, Cohere and compatible servers. */
export async function embeddingsRoute(runtime: AiRuntime, body: unknown, res: ServerResponse): Promise<AiUsage> {
  const request = parseRequest(embeddingsRequestSchema, body);
  const route = runtime.registry.route(request.model);
  const targets = runtime.registry.targets(route, ['embeddings']).filter((target) => adapters[target.provider.type].embeddingsRequest);
  if (targets.length === 0) throw new AiError('invalid_request', `The model '${route.name}' does not support embeddings`, 'model');
  const result = await runPolicy(policyRun(runtime, route, targets), route.name, async (target, controller) => {
    const adapter = adapters[target.provider.type];
    const upstream = adapter.embeddingsRequest!(request, target);
    const response = await runtime.upstream.send(upstream, { signal: controller.signal, timeoutMs: route.policy.timeoutMs });
    if (response.status >= 300) return failedAttempt(target, response);
    const text = await response.body.text();
    try {
      return adapter.embeddingsResponse!(parseJsonLoose(text), request, target.model.id);
    } catch (error) {
      throw afterSend(error);
    }
  });
  const chain = formatAttempts(result.attempts);
  sendJson(res, 200, result.value.response, { [ATTEMPTS_HEADER]: chain });
  const { target } = result;
  return priceUsage(target.provider.id, target.model.id, result.value.tokens, target.model.prices, chain);
}

import type { Capability } from '../config/ai-config';
import { AiError, isAiError } from '../errors/ai-error';
import { adapters } from '../providers/adapters';
import { newId, parseJsonLoose } from '../providers/openai-shape';
import type { AnswerContext, ChatAnswer, ResolvedTarget } from '../providers/provider-adapter';
import { AttemptFailure, formatAttempts, runPolicy, type AttemptRecord, type PolicyResult } from '../routing/policy-executor';
import type { ModelRegistry, ModelRoute } from '../routing/model-registry';
import type { ChatCompletionRequest } from '../types/openai-chat';
import { estimateChatPromptTokens } from '../usage/token-estimate';
import type { UpstreamClient, UpstreamResponse } from '../upstream/upstream-client';

/** What the request paths share. */
export interface AiRuntime {
  registry: ModelRegistry;
  upstream: UpstreamClient;
  onAttempt?: (attempt: AttemptRecord & { requestedModel: string }) => void;
  /** How long to keep reading a stream for its usage after the client went away. */
  drainOnDisconnectMs: number;
}

/** Capabilities a chat request needs from a target. */
export function chatNeeds(request: ChatCompletionRequest): Capability[] {
  const needs: Capability[] = ['chat'];
  if (request.tools?.length) needs.push('tools');
  const images = request.messages.some((message) => message.role === 'user' && Array.isArray(message.content) && message.content.some((part) => part.type === 'image_url'));
  if (images) needs.push('vision');
  return needs;
}

/**
 * Keeps the targets whose context window holds the estimated prompt (plus the requested
 * completion limit); none → 400 `context_length_exceeded` in OpenAI's words.
 */
export function fitContext(request: ChatCompletionRequest, targets: ResolvedTarget[]): ResolvedTarget[] {
  const prompt = estimateChatPromptTokens(request);
  const completion = request.max_completion_tokens ?? request.max_tokens ?? 0;
  const fitting = targets.filter((target) => prompt + completion <= target.model.contextWindow);
  if (fitting.length > 0) return fitting;
  const window = Math.max(...targets.map((target) => target.model.contextWindow));
  throw new AiError(
    'context_length_exceeded',
    `This model's maximum context length is ${window} tokens. However, you requested about ${prompt + completion} tokens (${prompt} in the messages, ${completion} in the completion). Please reduce the length of the messages or completion.`,
    'messages',
  );
}

/** Route, targets able to serve the request, and the policy knobs. */
export function planChat(runtime: AiRuntime, request: ChatCompletionRequest): { route: ModelRoute; targets: ResolvedTarget[] } {
  const route = runtime.registry.route(request.model);
  const targets = fitContext(request, runtime.registry.targets(route, chatNeeds(request)));
  return { route, targets };
}

/** Context a target's answer is labelled with. */
export function answerContext(request: ChatCompletionRequest, target: ResolvedTarget): AnswerContext {
  return { id: newId('chatcmpl-'), created: Math.floor(Date.now() / 1000), model: target.model.id, request };
}

/**
 * Reads an error answer and turns it into an attempt failure. A provider that echoes the
 * credential in its message does not get it to the client: it is cut out first.
 */
export async function failedAttempt(target: ResolvedTarget, response: UpstreamResponse): Promise<never> {
  const text = await response.body.text().catch(() => '');
  const key = target.provider.apiKey;
  const safe = key.length >= 8 ? text.replaceAll(key, '[redacted]') : text;
  throw new AttemptFailure(adapters[target.provider.type].error(target.provider.id, response.status, parseJsonLoose(safe)), response.status);
}

/** Wraps a failure that happened after the request was sent. */
export function afterSend(error: unknown): AttemptFailure {
  if (error instanceof AttemptFailure) return error;
  if (isAiError(error)) return new AttemptFailure(error, error.status);
  return new AttemptFailure(new AiError('provider_error', 'The provider sent an answer that could not be read'), null);
}

function policyRun(runtime: AiRuntime, route: ModelRoute, targets: ResolvedTarget[]) {
  const onAttempt = runtime.onAttempt;
  return {
    targets,
    retries: route.policy.retries,
    timeoutMs: route.policy.timeoutMs,
    ...(onAttempt ? { onAttempt: (attempt: AttemptRecord) => onAttempt({ ...attempt, requestedModel: route.name }) } : {}),
  };
}

/** A non-streaming chat completion through the policy. */
export async function completeChat(runtime: AiRuntime, request: ChatCompletionRequest): Promise<PolicyResult<ChatAnswer> & { chain: string }> {
  const { route, targets } = planChat(runtime, request);
  const result = await runPolicy(policyRun(runtime, route, targets), route.name, async (target, controller) => {
    const adapter = adapters[target.provider.type];
    const upstream = adapter.chatRequest(request, target, false);
    const response = await runtime.upstream.send(upstream, { signal: controller.signal, timeoutMs: route.policy.timeoutMs });
    if (response.status >= 300) return failedAttempt(target, response);
    const text = await response.body.text();
    try {
      return adapter.chatResponse(parseJsonLoose(text), answerContext(request, target));
    } catch (error) {
      throw afterSend(error);
    }
  });
  return { ...result, chain: formatAttempts(result.attempts) };
}

export { policyRun };

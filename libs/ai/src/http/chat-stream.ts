import type { ServerResponse } from 'node:http';
import { AiError, isAiError } from '../errors/ai-error';
import { adapters } from '../providers/adapters';
import type { StreamTranslator, TokenCounts } from '../providers/provider-adapter';
import { formatAttempts, PolicyError, runPolicy } from '../routing/policy-executor';
import { SseParser, type SseEvent } from '../sse/sse-parser';
import { SseWriter } from '../sse/sse-writer';
import type { ChatCompletionChunk, ChatCompletionRequest } from '../types/openai-chat';
import { priceUsage, type AiUsage } from '../usage/pricing';
import { estimateChatPromptTokens, estimateTextTokens } from '../usage/token-estimate';
import { afterSend, answerContext, failedAttempt, planChat, policyRun, type AiRuntime } from './chat-service';
import { ATTEMPTS_HEADER, sendError } from './http-io';

interface OpenStream {
  translator: StreamTranslator;
  parser: SseParser;
  iterator: AsyncIterator<Uint8Array>;
  pending: ChatCompletionChunk[];
  ended: boolean;
}

function translate(translator: StreamTranslator, events: SseEvent[], into: ChatCompletionChunk[]): void {
  for (const event of events) {
    try {
      into.push(...translator.event(event));
    } catch (error) {
      if (isAiError(error)) throw error;
      throw new AiError('provider_error', 'The provider sent an unreadable stream event');
    }
  }
}

/**
 * Reads upstream until the first translated chunk exists. Until then the attempt can still
 * fail over; the caller writes nothing before this resolves.
 */
async function openStream(translator: StreamTranslator, body: AsyncIterable<Uint8Array>): Promise<OpenStream> {
  const parser = new SseParser();
  const iterator = body[Symbol.asyncIterator]();
  const pending: ChatCompletionChunk[] = [];
  let ended = false;
  try {
    while (pending.length === 0) {
      const next = await iterator.next();
      if (next.done) {
        ended = true;
        translate(translator, parser.end(), pending);
        pending.push(...translator.end());
        if (pending.length === 0) throw new AiError('provider_error', 'The provider ended the stream without an answer');
        break;
      }
      translate(translator, parser.push(next.value), pending);
    }
  } catch (error) {
    if (isAiError(error)) throw afterSend(error);
    throw error;
  }
  return { translator, parser, iterator, pending, ended };
}

/** Usage of a stream: the provider's counts, completed by estimates when the stream was cut short. */
function streamTokens(translator: StreamTranslator, request: ChatCompletionRequest): TokenCounts {
  const reported = translator.tokens();
  const generated = estimateTextTokens(translator.generatedChars);
  if (!reported) return { promptTokens: estimateChatPromptTokens(request), completionTokens: generated, cachedTokens: 0, estimated: true };
  if (translator.finished) return reported;
  return { ...reported, completionTokens: Math.max(reported.completionTokens, generated), estimated: true };
}

/**
 * A streaming chat completion. Translated chunks are written as soon as their upstream bytes
 * arrived (those of one network read in one write). No fallback once the first byte went out: a later upstream failure ends the
 * stream with an OpenAI error event. When the client goes away, upstream is still read for
 * its usage for `drainOnDisconnectMs`, then aborted; what is missing is estimated.
 */
export async function streamChat(runtime: AiRuntime, request: ChatCompletionRequest, res: ServerResponse): Promise<AiUsage | null> {
  const { route, targets } = planChat(runtime, request);
  const includeUsage = request.stream_options?.include_usage === true;
  let result;
  try {
    result = await runPolicy(policyRun(runtime, route, targets), route.name, async (target, controller) => {
      const adapter = adapters[target.provider.type];
      const upstream = adapter.chatRequest(request, target, true);
      const response = await runtime.upstream.send(upstream, { signal: controller.signal, timeoutMs: route.policy.timeoutMs });
      if (response.status >= 300) return failedAttempt(target, response);
      return openStream(adapter.chatStream(answerContext(request, target)), response.body);
    });
  } catch (error) {
    if (error instanceof PolicyError) {
      sendError(res, error.error, { [ATTEMPTS_HEADER]: formatAttempts(error.attempts) });
      return null;
    }
    throw error;
  }
  const { value: stream, target, controller } = result;
  const chain = formatAttempts(result.attempts);
  const writer = new SseWriter(res);
  let drain: NodeJS.Timeout | undefined;
  const onClose = () => {
    if (res.writableFinished) return;
    drain = setTimeout(() => controller.abort(), runtime.drainOnDisconnectMs);
  };
  res.once('close', onClose);
  // The client may have left while the provider was still being tried.
  if (res.destroyed) onClose();
  const emit = (chunks: ChatCompletionChunk[]) => {
    const out: ChatCompletionChunk[] = [];
    for (const chunk of chunks) {
      if (!includeUsage) {
        if (chunk.usage && chunk.choices.length === 0) continue;
        delete chunk.usage;
      }
      out.push(chunk);
    }
    writer.batch(out);
  };
  writer.start({ [ATTEMPTS_HEADER]: chain });
  emit(stream.pending);
  try {
    while (!stream.ended) {
      const next = await stream.iterator.next();
      const chunks: ChatCompletionChunk[] = [];
      if (next.done) {
        stream.ended = true;
        translate(stream.translator, stream.parser.end(), chunks);
        chunks.push(...stream.translator.end());
      } else translate(stream.translator, stream.parser.push(next.value), chunks);
      emit(chunks);
    }
    writer.end();
  } catch (error) {
    const failure = isAiError(error) ? error : new AiError('provider_error', 'The provider stream was interrupted');
    if (writer.writable) writer.fail(failure.toBody());
  } finally {
    clearTimeout(drain);
    res.off('close', onClose);
    if (!stream.ended) controller.abort();
  }
  return priceUsage(target.provider.id, target.model.id, streamTokens(stream.translator, request), target.model.prices, chain);
}

import type { ServerResponse } from 'node:http';
import type { AiHandler, AiUsage } from '@gatehouse/ai';
import type { AiRouteHandler } from '../data-plane/server/ai-route';

export interface AiDispatcherDeps {
  readonly handlerFor: (tenantId: string) => AiHandler | undefined;
  /** Sees the usage of every answered AI request (metrics). */
  readonly onUsage?: (usage: AiUsage) => void;
}

const notConfigured = JSON.stringify({
  error: { message: 'No AI provider is configured for this API yet.', type: 'api_error', param: null, code: 'ai_not_configured' },
});

function answerNotConfigured(res: ServerResponse): void {
  res.writeHead(501, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(notConfigured), 'cache-control': 'no-store' });
  res.end(notConfigured);
}

/**
 * The gateway's `ai`/`prompt` route handler: serves each request with the AI handler of the
 * matched route's tenant (the API owner, which the data plane passes in the context), so one
 * tenant's providers, models and prompts never answer another's routes. A tenant without a
 * usable provider gets 501 in OpenAI's error shape.
 */
export function createAiDispatcher(deps: AiDispatcherDeps): AiRouteHandler {
  return (req, res, context) => {
    const handler = deps.handlerFor(context.tenantId);
    if (handler === undefined) {
      answerNotConfigured(res);
      return Promise.resolve(null);
    }
    const answered = handler(req, res, context);
    const onUsage = deps.onUsage;
    return onUsage
      ? answered.then((usage) => {
          if (usage) onUsage(usage);
          return usage;
        })
      : answered;
  };
}

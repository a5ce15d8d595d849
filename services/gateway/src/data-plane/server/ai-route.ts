import type { IncomingMessage, ServerResponse } from 'node:http';
import { usageRecordLimits } from '@gatehouse/contracts';
import { bounded, type UsageRecord } from '../usage/usage-record';

/** What an AI handler reports for one request (the `ai` part of the usage record). */
export type AiUsageLike = NonNullable<UsageRecord['ai']>;

/** What the data plane already knows about an AI request: the matched route, prepared once per route. */
export interface AiRouteContext {
  /** The matched route's tenant (the API owner): whose providers, models and prompts answer. */
  readonly tenantId: string;
  /** Set on `prompt` routes: serve this prompt API (the route id) whatever the path. */
  readonly promptApiId?: string;
}

/**
 * Serves `ai` and `prompt` routes once the gateway has authenticated, authorized and limited
 * the request (`createAiHandler` of the AI gateway library has this shape). Resolves with the
 * tokens and cost of the request, or null when none were used.
 */
export type AiRouteHandler = (req: IncomingMessage, res: ServerResponse, context: AiRouteContext) => Promise<AiUsageLike | null>;

/** The usage record's `ai` part, held within the contract's limits (see `bounded`). */
export function aiUsageOf(usage: AiUsageLike | null): UsageRecord['ai'] {
  if (usage === null) return null;
  const { tokens, costMicros } = usageRecordLimits;
  return {
    provider: usage.provider.slice(0, 100),
    model: usage.model.slice(0, 200),
    promptTokens: bounded(usage.promptTokens, tokens),
    completionTokens: bounded(usage.completionTokens, tokens),
    cachedTokens: bounded(usage.cachedTokens, tokens),
    costMicros: usage.costMicros === null ? null : bounded(usage.costMicros, costMicros),
    currency: usage.currency,
  };
}

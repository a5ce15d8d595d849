import { z } from 'zod';
import { defineEvent } from '../define';
import { Topics } from '../topics';
import { id, tenantId, timestamp } from './common';

/**
 * Upper bounds of a usage record's measures. Metering sums them into Postgres `bigint` (and
 * `double precision`) rollups and quota counters; a value beyond them is refused by the schema
 * rather than overflowing a sum later. Producers clamp or drop values beyond them.
 * Bounds added to `UsageRecordedV1` with this constant; before, any safe integer passed.
 */
export const usageRecordLimits = {
  /** 24 hours. */
  latencyMs: 86_400_000,
  /** 1 TiB per request or response. */
  bytes: 2 ** 40,
  /** Per count (prompt, completion, cached). */
  tokens: 2 ** 40,
  /** One million currency units for one request. */
  costMicros: 1_000_000_000_000,
} as const;

const latency = z.number().min(0).max(usageRecordLimits.latencyMs);
const byteCount = z.number().int().min(0).max(usageRecordLimits.bytes);
const tokenCount = z.number().int().min(0).max(usageRecordLimits.tokens);

/**
 * One record per request the gateway answered, rejected ones included. `recordId` is the
 * idempotency key: metering counts each record id exactly once.
 */
export const UsageRecordedV1 = defineEvent({
  type: 'gatehouse.gateway.usage.recorded.v1',
  topic: Topics.usage,
  schema: z.object({
    recordId: z.uuid(),
    /** When the request arrived at the gateway. */
    at: timestamp,
    gatewayId: z.string().max(100),
    /** `unknown` when the request matched no route and carried no credential. */
    tenantId,
    applicationId: id.nullable(),
    apiId: id.nullable(),
    routeId: id.nullable(),
    planId: id.nullable(),
    subscriptionId: id.nullable(),
    method: z.string().max(20),
    status: z.number().int().min(100).max(599),
    /** Why the gateway refused the request, when it did (e.g. `rate_limited`, `invalid_token`). */
    rejection: z.string().max(100).nullable(),
    /** At most `usageRecordLimits.latencyMs`, like `upstreamLatencyMs`. */
    latencyMs: latency,
    upstreamLatencyMs: latency.nullable(),
    /** At most `usageRecordLimits.bytes`, like `bytesOut`. */
    bytesIn: byteCount,
    bytesOut: byteCount,
    ai: z
      .object({
        provider: z.string().max(100),
        model: z.string().max(200),
        /** Each at most `usageRecordLimits.tokens`. */
        promptTokens: tokenCount,
        completionTokens: tokenCount,
        cachedTokens: tokenCount,
        /** Micro-units of `currency`, at most `usageRecordLimits.costMicros`; null when the model has no price (flagged, never zero). */
        costMicros: z.number().int().min(0).max(usageRecordLimits.costMicros).nullable(),
        currency: z.string().length(3).nullable(),
      })
      .nullable(),
  }),
  key: (data) => data.recordId,
  tenant: (data) => data.tenantId,
});

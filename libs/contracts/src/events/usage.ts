import { z } from 'zod';
import { defineEvent } from '../define';
import { Topics } from '../topics';
import { id, tenantId, timestamp } from './common';

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
    latencyMs: z.number().min(0),
    upstreamLatencyMs: z.number().min(0).nullable(),
    bytesIn: z.number().int().min(0),
    bytesOut: z.number().int().min(0),
    ai: z
      .object({
        provider: z.string().max(100),
        model: z.string().max(200),
        promptTokens: z.number().int().min(0),
        completionTokens: z.number().int().min(0),
        cachedTokens: z.number().int().min(0),
        /** Micro-units of `currency`; null when the model has no price (flagged, never zero). */
        costMicros: z.number().int().min(0).nullable(),
        currency: z.string().length(3).nullable(),
      })
      .nullable(),
  }),
  key: (data) => data.recordId,
  tenant: (data) => data.tenantId,
});

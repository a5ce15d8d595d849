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
 * idempotency key: metering counts each record id exactly once, whichever event carried it.
 */
export const usageRecordSchema = z.object({
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
});

/**
 * A single usage record as its own event. The gateway produces `UsageBatchRecordedV1`; metering
 * still counts this one (records dead-lettered from a batch are written back in this form, and
 * a gateway of an earlier release produces it).
 */
export const UsageRecordedV1 = defineEvent({
  type: 'gatehouse.gateway.usage.recorded.v1',
  topic: Topics.usage,
  schema: usageRecordSchema,
  key: (data) => data.recordId,
  tenant: (data) => data.tenantId,
});

/**
 * Most records one `UsageBatchRecordedV1` carries: about 200 KB of JSON for typical records. A
 * producer still splits a batch whose encoding exceeds what one Kafka request may carry.
 */
export const USAGE_BATCH_MAX_RECORDS = 500;

const usageBatchOf = <R extends z.ZodType>(record: R) => z.object({ batchId: z.uuid(), tenantId, records: z.array(record).min(1).max(USAGE_BATCH_MAX_RECORDS) });

/**
 * A batch event's own fields with its records left unchecked: what a consumer validates first
 * when the whole batch was refused, to count the valid records of it and refuse the others.
 */
export const usageBatchShellSchema = usageBatchOf(z.unknown());

/**
 * Usage records of one tenant, as the gateway produces them: one Kafka message for up to
 * `USAGE_BATCH_MAX_RECORDS` requests instead of one each, which takes most of the cost of
 * metering a request off the gateway and the broker. Each record keeps its `recordId`:
 * metering counts a record once however many batches (a retried send, a journal replay)
 * carried it. `batchId` is the message key, so batches spread over the partitions.
 */
export const UsageBatchRecordedV1 = defineEvent({
  type: 'gatehouse.gateway.usage.batch.recorded.v1',
  topic: Topics.usage,
  schema: usageBatchOf(usageRecordSchema).refine((batch) => batch.records.every((record) => record.tenantId === batch.tenantId), { message: 'every record must belong to the batch tenant', path: ['records'] }),
  key: (data) => data.batchId,
  tenant: (data) => data.tenantId,
});

import { type EventData, type UsageRecordedV1, usageRecordLimits } from '@gatehouse/contracts';
import type { Exchange } from '../server/exchange';

export type UsageRecord = EventData<typeof UsageRecordedV1>;

/** A batch of usage records with an id, so a replay can tell whether it already went out. */
export interface UsageBatch {
  readonly id: string;
  readonly records: UsageRecord[];
}

/** Where usage batches go when Kafka works (the event producer in production). */
export interface UsageSink {
  send(records: UsageRecord[]): Promise<void>;
}

const round = (value: number) => Math.round(value * 1000) / 1000;

/**
 * A count held within the contract's limits. A record over them would be refused by the schema
 * and the request never metered (a tunnel open for days, a provider reporting absurd counts):
 * the record keeps the limit instead.
 */
export const bounded = (value: number, limit: number): number => Math.min(Math.max(Math.round(value), 0), limit);
const boundedMs = (value: number): number => Math.min(round(value), usageRecordLimits.latencyMs);

/** The usage record of an answered (or refused) request. */
export function usageRecordOf(exchange: Exchange, gatewayId: string, totalMs: number): UsageRecord {
  const route = exchange.route;
  return {
    recordId: exchange.recordId,
    at: new Date(exchange.at).toISOString(),
    gatewayId,
    // The API owner's tenant once a route matched; the caller's otherwise.
    tenantId: route?.tenantId ?? exchange.tenantId,
    applicationId: exchange.applicationId,
    apiId: route?.apiId ?? null,
    routeId: route?.id ?? null,
    planId: exchange.planId,
    subscriptionId: exchange.subscriptionId,
    method: exchange.method.length <= 20 ? exchange.method : exchange.method.slice(0, 20),
    status: exchange.status,
    rejection: exchange.rejection,
    latencyMs: boundedMs(totalMs),
    upstreamLatencyMs: exchange.upstreamMs === null ? null : boundedMs(exchange.upstreamMs),
    bytesIn: bounded(exchange.bytesIn, usageRecordLimits.bytes),
    bytesOut: bounded(exchange.bytesOut, usageRecordLimits.bytes),
    ai: exchange.ai,
  };
}

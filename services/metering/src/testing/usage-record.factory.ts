import { randomUUID } from 'node:crypto';
import type { UsageRecord } from '../ingest/usage-record';

/** A valid usage record; override any field. */
export function usageRecord(overrides: Partial<UsageRecord> = {}): UsageRecord {
  return {
    recordId: randomUUID(),
    at: new Date().toISOString(),
    gatewayId: 'gw-1',
    tenantId: 'acme',
    applicationId: 'app-1',
    apiId: 'api-1',
    routeId: 'route-1',
    planId: null,
    subscriptionId: null,
    method: 'GET',
    status: 200,
    rejection: null,
    latencyMs: 12,
    upstreamLatencyMs: 10,
    bytesIn: 100,
    bytesOut: 1_000,
    ai: null,
    ...overrides,
  };
}

/** The AI part of a usage record; override any field. */
export function aiUsage(overrides: Partial<NonNullable<UsageRecord['ai']>> = {}): NonNullable<UsageRecord['ai']> {
  return { provider: 'openai', model: 'gpt-4o-mini', promptTokens: 100, completionTokens: 50, cachedTokens: 20, costMicros: 300, currency: 'USD', ...overrides };
}

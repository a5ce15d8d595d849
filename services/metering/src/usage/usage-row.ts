import { LATENCY_BUCKETS, latencyQuantile } from '../rollups/latency-histogram';
import type { Dimension } from './dto/usage-query.dto';

/** One row of a usage answer: a window, the grouped dimensions, and the measures. */
export interface UsageRow {
  bucket: string;
  tenantId?: string;
  applicationId?: string | null;
  apiId?: string | null;
  routeId?: string | null;
  statusClass?: string;
  model?: string | null;
  requests: number;
  errors: number;
  rejections: number;
  lateRecords: number;
  bytesIn: number;
  bytesOut: number;
  latencyAvgMs: number | null;
  latencyMaxMs: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  latencyP99Ms: number | null;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  costMicros: number;
  unpricedRecords: number;
}

/** The row as Postgres returns it. */
export interface RawUsageRow {
  bucket: Date;
  tenant_id?: string;
  application_id?: string;
  api_id?: string;
  route_id?: string;
  status_class?: number;
  model?: string;
  requests: number;
  errors: number;
  rejections: number;
  late_records: number;
  bytes_in: number;
  bytes_out: number;
  latency_sum_ms: number;
  latency_max_ms: number;
  latency_hist: number[];
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  cost_micros: number;
  unpriced_records: number;
}

export const dimensionColumns: Readonly<Record<Dimension, string>> = {
  tenant: 'tenant_id',
  application: 'application_id',
  api: 'api_id',
  route: 'route_id',
  status_class: 'status_class',
  model: 'model',
};

const round = (value: number | null) => (value === null ? null : Math.round(value * 1000) / 1000);
const optional = (value: string | undefined) => (value === undefined || value === '' ? null : value);

export function toUsageRow(raw: RawUsageRow, groupBy: readonly Dimension[]): UsageRow {
  const row: Partial<UsageRow> = { bucket: raw.bucket.toISOString() };
  for (const dimension of groupBy) {
    if (dimension === 'tenant') row.tenantId = raw.tenant_id!;
    if (dimension === 'application') row.applicationId = optional(raw.application_id);
    if (dimension === 'api') row.apiId = optional(raw.api_id);
    if (dimension === 'route') row.routeId = optional(raw.route_id);
    if (dimension === 'status_class') row.statusClass = `${raw.status_class}xx`;
    if (dimension === 'model') row.model = optional(raw.model);
  }
  const histogram = raw.latency_hist.length === LATENCY_BUCKETS ? raw.latency_hist : [];
  const max = raw.requests > 0 ? raw.latency_max_ms : null;
  return {
    ...(row as Pick<UsageRow, 'bucket'>),
    requests: raw.requests,
    errors: raw.errors,
    rejections: raw.rejections,
    lateRecords: raw.late_records,
    bytesIn: raw.bytes_in,
    bytesOut: raw.bytes_out,
    latencyAvgMs: raw.requests > 0 ? round(raw.latency_sum_ms / raw.requests) : null,
    latencyMaxMs: round(max),
    latencyP50Ms: max === null ? null : round(latencyQuantile(histogram, 0.5, max)),
    latencyP95Ms: max === null ? null : round(latencyQuantile(histogram, 0.95, max)),
    latencyP99Ms: max === null ? null : round(latencyQuantile(histogram, 0.99, max)),
    promptTokens: raw.prompt_tokens,
    completionTokens: raw.completion_tokens,
    cachedTokens: raw.cached_tokens,
    costMicros: raw.cost_micros,
    unpricedRecords: raw.unpriced_records,
  };
}

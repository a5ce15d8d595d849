import type { Granularity } from '../time/period';

export const rollupTables: Readonly<Record<Granularity, string>> = {
  minute: 'usage_rollup_minute',
  hour: 'usage_rollup_hour',
  day: 'usage_rollup_day',
};

/** Measures that rollups add up; `latency_max_ms` keeps the maximum and `latency_hist` adds element by element. */
export const additiveMeasures = [
  'requests',
  'errors',
  'rejections',
  'late_records',
  'bytes_in',
  'bytes_out',
  'latency_sum_ms',
  'prompt_tokens',
  'completion_tokens',
  'cached_tokens',
  'cost_micros',
  'unpriced_records',
] as const;

export const rollupKeyColumns = ['tenant_id', 'bucket', 'application_id', 'api_id', 'route_id', 'status_class', 'model'] as const;

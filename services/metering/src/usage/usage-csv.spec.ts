import { describe, expect, it } from 'vitest';
import { emptyHistogram, latencyBucket } from '../rollups/latency-histogram';
import { usageCsv } from './usage-csv';
import { type RawUsageRow, toUsageRow } from './usage-row';

function raw(overrides: Partial<RawUsageRow> = {}): RawUsageRow {
  const histogram = emptyHistogram();
  histogram[latencyBucket(10)] = 3;
  histogram[latencyBucket(400)] = 1;
  return {
    bucket: new Date('2026-03-14T15:00:00Z'),
    application_id: 'app-1',
    model: '',
    status_class: 2,
    requests: 4,
    errors: 0,
    rejections: 0,
    late_records: 0,
    bytes_in: 40,
    bytes_out: 400,
    latency_sum_ms: 430,
    latency_max_ms: 400,
    latency_hist: histogram,
    prompt_tokens: 0,
    completion_tokens: 0,
    cached_tokens: 0,
    cost_micros: 0,
    unpriced_records: 0,
    ...overrides,
  };
}

describe('usage rows and CSV', () => {
  it('computes average and percentiles from the summed histogram, and shows absent dimensions as null', () => {
    const row = toUsageRow(raw(), ['application', 'model', 'status_class']);
    expect(row).toMatchObject({ bucket: '2026-03-14T15:00:00.000Z', applicationId: 'app-1', model: null, statusClass: '2xx', latencyAvgMs: 107.5, latencyMaxMs: 400 });
    expect(row.latencyP50Ms).toBeGreaterThan(7.5);
    expect(row.latencyP50Ms).toBeLessThanOrEqual(10);
    expect(row.latencyP99Ms).toBeGreaterThan(300);
    expect(row.latencyP99Ms).toBeLessThanOrEqual(400);
    expect(row).not.toHaveProperty('apiId');
  });

  it('writes a header with the grouped dimensions and one CRLF line per row', () => {
    const csv = usageCsv([toUsageRow(raw(), ['application'])], ['applicationId']);
    const [header, line, end] = csv.split('\r\n');
    expect(header).toBe(
      'bucket,applicationId,requests,errors,rejections,lateRecords,bytesIn,bytesOut,latencyAvgMs,latencyMaxMs,latencyP50Ms,latencyP95Ms,latencyP99Ms,promptTokens,completionTokens,cachedTokens,costMicros,unpricedRecords',
    );
    expect(line!.startsWith('2026-03-14T15:00:00.000Z,app-1,4,0,0,0,40,400,107.5,400,')).toBe(true);
    expect(end).toBe('');
  });

  it('quotes separators and defuses cells a spreadsheet would run as formulas', () => {
    const csv = usageCsv([toUsageRow(raw({ application_id: '=HYPERLINK("x")' }), ['application']), toUsageRow(raw({ application_id: 'a,b' }), ['application'])], ['applicationId']);
    const lines = csv.split('\r\n');
    expect(lines[1]!.split(',')[1]).toBe('"\'=HYPERLINK(""x"")"');
    expect(lines[2]).toContain(',"a,b",');
  });
});

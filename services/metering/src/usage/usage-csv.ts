import type { UsageRow } from './usage-row';

const dimensionFields = ['tenantId', 'applicationId', 'apiId', 'routeId', 'statusClass', 'model'] as const;
const measureFields = [
  'requests',
  'errors',
  'rejections',
  'lateRecords',
  'bytesIn',
  'bytesOut',
  'latencyAvgMs',
  'latencyMaxMs',
  'latencyP50Ms',
  'latencyP95Ms',
  'latencyP99Ms',
  'promptTokens',
  'completionTokens',
  'cachedTokens',
  'costMicros',
  'unpricedRecords',
] as const;

/** RFC 4180 cell; text that a spreadsheet would run as a formula is prefixed with a quote. */
function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The rows as CSV: `bucket`, the grouped dimensions, then every measure; CRLF line ends. */
export function usageCsv(rows: readonly UsageRow[], dimensionsShown: ReadonlyArray<(typeof dimensionFields)[number]>): string {
  const dimensions = dimensionFields.filter((field) => dimensionsShown.includes(field));
  const header = ['bucket', ...dimensions, ...measureFields];
  const lines = [header.join(',')];
  for (const row of rows) lines.push(header.map((field) => cell(row[field as keyof UsageRow])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export type CsvDimensionField = (typeof dimensionFields)[number];

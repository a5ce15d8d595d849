import { badRequest } from '@gatehouse/platform';
import { bucketCount, ceilTo, floorTo, type Granularity, granularities } from '../../time/period';

export const dimensions = ['tenant', 'application', 'api', 'route', 'status_class', 'model'] as const;
export type Dimension = (typeof dimensions)[number];

export const orderMeasures = ['requests', 'errors', 'rejections', 'bytes', 'tokens', 'cost'] as const;
export type OrderMeasure = (typeof orderMeasures)[number];

export const formats = ['json', 'csv'] as const;
export type UsageFormat = (typeof formats)[number];

/** Most windows one query may span: a week of minutes, 420 days of hours. */
export const MAX_BUCKETS = 10_080;
export const MAX_TOP = 1_000;

export interface UsageFilters {
  applicationId?: string;
  apiId?: string;
  routeId?: string;
  model?: string;
  statusClass?: number;
}

export interface UsageQuery {
  /** Epoch ms, floored to the granularity. */
  from: number;
  /** Epoch ms (exclusive), ceiled to the granularity. */
  to: number;
  granularity: Granularity;
  groupBy: Dimension[];
  filters: UsageFilters;
  top: number | null;
  orderBy: OrderMeasure;
  format: UsageFormat;
  /** Platform admins: the tenant to look at (every tenant when absent). */
  tenant: string | null;
}

const parameters = ['from', 'to', 'granularity', 'groupBy', 'applicationId', 'apiId', 'routeId', 'model', 'statusClass', 'top', 'orderBy', 'format', 'tenant'] as const;
type Parameter = (typeof parameters)[number];

const isoDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const isoDate = /^\d{4}-\d{2}-\d{2}$/;
const identifier = /^[A-Za-z0-9._:@\/-]{1,200}$/;
const MIN_INSTANT = Date.UTC(2000, 0, 1);
const MAX_INSTANT = Date.UTC(2200, 0, 1);

function single(raw: Record<string, unknown>, name: Parameter): string | undefined {
  const value = raw[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw badRequest(`${name}: give it once, as a single value`, { parameter: name });
  return value;
}

function instant(name: 'from' | 'to', value: string): number {
  const candidate = isoDate.test(value) ? `${value}T00:00:00Z` : value;
  const ms = isoDateTime.test(candidate) ? Date.parse(candidate) : Number.NaN;
  if (Number.isNaN(ms)) throw badRequest(`${name}: must be an ISO 8601 date (2026-03-14) or date-time with offset (2026-03-14T15:00:00Z), got '${value}'`, { parameter: name });
  if (ms < MIN_INSTANT || ms > MAX_INSTANT) throw badRequest(`${name}: must be between 2000-01-01 and 2200-01-01`, { parameter: name });
  return ms;
}

function oneOf<T extends string>(name: Parameter, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw badRequest(`${name}: must be one of ${allowed.join(', ')}, got '${value}'`, { parameter: name });
  return value as T;
}

function groupByOf(raw: Record<string, unknown>): Dimension[] {
  const value = raw.groupBy;
  if (value === undefined) return [];
  const parts = (Array.isArray(value) ? value : [value]).flatMap((part) => (typeof part === 'string' ? part.split(',') : [null]));
  const chosen: Dimension[] = [];
  for (const part of parts) {
    const name = part?.trim();
    if (!name || !(dimensions as readonly string[]).includes(name)) {
      throw badRequest(`groupBy: unknown dimension '${name ?? ''}'; allowed: ${dimensions.join(', ')}`, { parameter: 'groupBy' });
    }
    if (chosen.includes(name as Dimension)) throw badRequest(`groupBy: '${name}' is listed twice`, { parameter: 'groupBy' });
    chosen.push(name as Dimension);
  }
  return chosen;
}

function idFilter(raw: Record<string, unknown>, name: 'applicationId' | 'apiId' | 'routeId' | 'model' | 'tenant'): string | undefined {
  const value = single(raw, name);
  if (value === undefined) return undefined;
  if (!identifier.test(value)) throw badRequest(`${name}: must be 1-200 characters of letters, digits and . _ : @ / -`, { parameter: name });
  return value;
}

/**
 * Validates the query string of `GET /usage`. Every refusal is a 400 naming the parameter.
 * The range is widened to whole windows: `from` floored and `to` ceiled to the granularity.
 */
export function parseUsageQuery(raw: Record<string, unknown>, nowMs: number): UsageQuery {
  const unknown = Object.keys(raw).filter((name) => !(parameters as readonly string[]).includes(name));
  if (unknown.length > 0) throw badRequest(`unknown query parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((name) => `'${name}'`).join(', ')}; allowed: ${parameters.join(', ')}`, { parameter: unknown[0] });

  const granularity = oneOf('granularity', single(raw, 'granularity'), granularities, 'hour');
  const fromText = single(raw, 'from');
  if (fromText === undefined) throw badRequest('from: is required (ISO 8601 date or date-time)', { parameter: 'from' });
  const toText = single(raw, 'to');
  const fromMs = instant('from', fromText);
  const toMs = toText === undefined ? nowMs : instant('to', toText);
  if (toMs <= fromMs) throw badRequest(`to: must be after from (${new Date(fromMs).toISOString()})`, { parameter: 'to' });
  const from = floorTo(fromMs, granularity);
  const to = ceilTo(toMs, granularity);
  const buckets = bucketCount(from, to, granularity);
  if (buckets > MAX_BUCKETS) {
    throw badRequest(`granularity: ${granularity} windows from ${new Date(from).toISOString()} to ${new Date(to).toISOString()} are ${buckets} buckets, more than ${MAX_BUCKETS}; choose a coarser granularity or a shorter range`, { parameter: 'granularity' });
  }

  const groupBy = groupByOf(raw);
  const topText = single(raw, 'top');
  let top: number | null = null;
  if (topText !== undefined) {
    if (!/^\d{1,4}$/.test(topText) || Number(topText) < 1 || Number(topText) > MAX_TOP) throw badRequest(`top: must be an integer from 1 to ${MAX_TOP}, got '${topText}'`, { parameter: 'top' });
    if (groupBy.length === 0) throw badRequest('top: ranks groups, so it needs groupBy', { parameter: 'top' });
    top = Number(topText);
  }
  const orderBy = oneOf('orderBy', single(raw, 'orderBy'), orderMeasures, 'requests');
  if (raw.orderBy !== undefined && top === null) throw badRequest('orderBy: ranks the groups kept by top, so it needs top', { parameter: 'orderBy' });

  const statusText = single(raw, 'statusClass');
  let statusClass: number | undefined;
  if (statusText !== undefined) {
    const match = /^([1-5])xx$/i.exec(statusText);
    if (!match) throw badRequest(`statusClass: must be one of 1xx, 2xx, 3xx, 4xx, 5xx, got '${statusText}'`, { parameter: 'statusClass' });
    statusClass = Number(match[1]);
  }
  const filters: UsageFilters = {};
  for (const name of ['applicationId', 'apiId', 'routeId', 'model'] as const) {
    const value = idFilter(raw, name);
    if (value !== undefined) filters[name] = value;
  }
  if (statusClass !== undefined) filters.statusClass = statusClass;

  return {
    from,
    to,
    granularity,
    groupBy,
    filters,
    top,
    orderBy,
    format: oneOf('format', single(raw, 'format'), formats, 'json'),
    tenant: idFilter(raw, 'tenant') ?? null,
  };
}

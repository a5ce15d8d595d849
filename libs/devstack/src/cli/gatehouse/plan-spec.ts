import { UsageError } from './cli-context';

export interface RateLimit {
  readonly requests: number;
  readonly per: 'second' | 'minute';
}

export interface Quota {
  readonly metric: 'requests' | 'tokens';
  readonly limit: number;
  readonly period: 'day' | 'month';
  readonly warnAt: number | null;
}

const rateUnits: Record<string, RateLimit['per']> = { s: 'second', sec: 'second', second: 'second', m: 'minute', min: 'minute', minute: 'minute' };
const periods: Record<string, Quota['period']> = { d: 'day', day: 'day', month: 'month', mo: 'month' };

function count(flag: string, text: string, spec: string): number {
  const value = Number(text.replace(/_/g, ''));
  if (!Number.isSafeInteger(value) || value <= 0) throw new UsageError(`${flag} ${spec}: ${JSON.stringify(text)} is not a positive whole number`);
  return value;
}

/** `10/second`, `600/minute` (also `10/s`, `600/min`). */
export function parseRate(spec: string): RateLimit {
  const [amount, unit, ...rest] = spec.split('/');
  const per = unit === undefined ? undefined : rateUnits[unit.toLowerCase()];
  if (amount === undefined || !per || rest.length > 0) throw new UsageError(`--rate ${spec}: expected <requests>/second or <requests>/minute, e.g. 10/second`);
  return { requests: count('--rate', amount, spec), per };
}

/** `1000/day`, `50000/month` for `metric`, warning at 80 % of the limit. */
export function parseQuota(spec: string, metric: Quota['metric'], flag = '--quota'): Quota {
  const [amount, unit, ...rest] = spec.split('/');
  const period = unit === undefined ? undefined : periods[unit.toLowerCase()];
  if (amount === undefined || !period || rest.length > 0) throw new UsageError(`${flag} ${spec}: expected <${metric}>/day or <${metric}>/month, e.g. 1000/day`);
  return { metric, limit: count(flag, amount, spec), period, warnAt: 0.8 };
}

/** A short description of a plan's limits: `10 requests/second, 1000 requests/day`. */
export function describeLimits(rateLimit: RateLimit | null, quotas: readonly Quota[]): string {
  const parts = [...(rateLimit ? [`${rateLimit.requests} requests/${rateLimit.per}`] : []), ...quotas.map((quota) => `${quota.limit} ${quota.metric}/${quota.period}`)];
  return parts.length > 0 ? parts.join(', ') : 'no limits';
}

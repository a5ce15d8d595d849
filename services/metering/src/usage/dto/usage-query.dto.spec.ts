import { AppError } from '@gatehouse/platform';
import { describe, expect, it } from 'vitest';
import { MAX_BUCKETS, parseUsageQuery } from './usage-query.dto';

const now = Date.parse('2026-03-14T15:09:30Z');

function refusal(raw: Record<string, unknown>): { message: string; parameter: unknown } {
  try {
    parseUsageQuery(raw, now);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(400);
    return { message: (error as AppError).message, parameter: (error as AppError).details?.parameter };
  }
  throw new Error('expected a 400');
}

describe('usage query parsing', () => {
  it('applies defaults: hour granularity, up to now, no grouping, JSON', () => {
    const query = parseUsageQuery({ from: '2026-03-14' }, now);
    expect(query).toEqual({
      from: Date.parse('2026-03-14T00:00:00Z'),
      to: Date.parse('2026-03-14T16:00:00Z'),
      granularity: 'hour',
      groupBy: [],
      filters: {},
      top: null,
      orderBy: 'requests',
      format: 'json',
      tenant: null,
    });
  });

  it('widens the range to whole windows of the granularity', () => {
    const query = parseUsageQuery({ from: '2026-03-14T10:07:30+02:00', to: '2026-03-14T10:09:00.5Z', granularity: 'minute' }, now);
    expect(new Date(query.from).toISOString()).toBe('2026-03-14T08:07:00.000Z');
    expect(new Date(query.to).toISOString()).toBe('2026-03-14T10:10:00.000Z');
  });

  it('reads groupBy as a comma list or repeated parameters, filters and top', () => {
    const query = parseUsageQuery(
      { from: '2026-03-01', to: '2026-03-14', granularity: 'day', groupBy: ['application,model', 'status_class'], apiId: 'api-1', statusClass: '5xx', model: 'gpt-4o', top: '10', orderBy: 'cost', format: 'csv' },
      now,
    );
    expect(query).toMatchObject({ groupBy: ['application', 'model', 'status_class'], filters: { apiId: 'api-1', statusClass: 5, model: 'gpt-4o' }, top: 10, orderBy: 'cost', format: 'csv' });
  });

  it('requires from, and names it when it is not a date', () => {
    expect(refusal({})).toEqual({ message: 'from: is required (ISO 8601 date or date-time)', parameter: 'from' });
    expect(refusal({ from: 'yesterday' }).message).toMatch(/^from: must be an ISO 8601 date/);
    expect(refusal({ from: '2026-03-14T10:00:00' }).parameter).toBe('from');
    expect(refusal({ from: '2026-02-30T25:00:00Z' }).parameter).toBe('from');
  });

  it('refuses a range that ends before it starts', () => {
    expect(refusal({ from: '2026-03-14T10:00:00Z', to: '2026-03-14T10:00:00Z' })).toEqual({ message: 'to: must be after from (2026-03-14T10:00:00.000Z)', parameter: 'to' });
    expect(refusal({ from: '2026-03-14', to: '2026-03-13' }).parameter).toBe('to');
  });

  it('refuses an unknown granularity and too many windows for the granularity', () => {
    expect(refusal({ from: '2026-03-14', granularity: 'week' })).toEqual({ message: "granularity: must be one of minute, hour, day, got 'week'", parameter: 'granularity' });
    const tooMany = refusal({ from: '2026-01-01', to: '2026-03-01', granularity: 'minute' });
    expect(tooMany.parameter).toBe('granularity');
    expect(tooMany.message).toContain(`more than ${MAX_BUCKETS}`);
  });

  it('refuses unknown and repeated group-by dimensions', () => {
    expect(refusal({ from: '2026-03-14', groupBy: 'application,colour' })).toEqual({
      message: "groupBy: unknown dimension 'colour'; allowed: tenant, application, api, route, status_class, model",
      parameter: 'groupBy',
    });
    expect(refusal({ from: '2026-03-14', groupBy: 'api,api' }).message).toBe("groupBy: 'api' is listed twice");
    expect(refusal({ from: '2026-03-14', groupBy: 'api,' }).parameter).toBe('groupBy');
  });

  it('refuses top out of range or without groupBy, and orderBy without top', () => {
    expect(refusal({ from: '2026-03-14', groupBy: 'api', top: '0' }).parameter).toBe('top');
    expect(refusal({ from: '2026-03-14', groupBy: 'api', top: '5.5' }).parameter).toBe('top');
    expect(refusal({ from: '2026-03-14', top: '5' }).message).toBe('top: ranks groups, so it needs groupBy');
    expect(refusal({ from: '2026-03-14', groupBy: 'api', orderBy: 'cost' }).parameter).toBe('orderBy');
    expect(refusal({ from: '2026-03-14', groupBy: 'api', top: '3', orderBy: 'latency' }).parameter).toBe('orderBy');
  });

  it('refuses bad filters, formats, unknown parameters and repeated single-valued ones', () => {
    expect(refusal({ from: '2026-03-14', statusClass: '200' }).parameter).toBe('statusClass');
    expect(refusal({ from: '2026-03-14', format: 'xml' }).parameter).toBe('format');
    expect(refusal({ from: '2026-03-14', applicationId: 'a b' }).parameter).toBe('applicationId');
    expect(refusal({ from: '2026-03-14', granularty: 'day' })).toMatchObject({ message: expect.stringContaining("unknown query parameter 'granularty'"), parameter: 'granularty' });
    expect(refusal({ from: ['2026-03-14', '2026-03-15'] })).toEqual({ message: 'from: give it once, as a single value', parameter: 'from' });
  });
});

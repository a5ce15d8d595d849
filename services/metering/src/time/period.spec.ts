import { describe, expect, it } from 'vitest';
import { bucketCount, ceilTo, floorTo, quotaPeriodOf, utcDay } from './period';

const at = (iso: string) => Date.parse(iso);

describe('period math', () => {
  it('floors an instant to its minute, hour and UTC day', () => {
    const t = at('2026-03-14T15:09:26.535Z');
    expect(new Date(floorTo(t, 'minute')).toISOString()).toBe('2026-03-14T15:09:00.000Z');
    expect(new Date(floorTo(t, 'hour')).toISOString()).toBe('2026-03-14T15:00:00.000Z');
    expect(new Date(floorTo(t, 'day')).toISOString()).toBe('2026-03-14T00:00:00.000Z');
  });

  it('keeps an instant on a boundary in the window that starts there', () => {
    const t = at('2026-03-14T00:00:00.000Z');
    expect(floorTo(t, 'day')).toBe(t);
    expect(ceilTo(t, 'hour')).toBe(t);
    expect(floorTo(t - 1, 'day')).toBe(at('2026-03-13T00:00:00.000Z'));
  });

  it('ceils to the next boundary', () => {
    expect(new Date(ceilTo(at('2026-03-14T15:09:00.001Z'), 'minute')).toISOString()).toBe('2026-03-14T15:10:00.000Z');
    expect(new Date(ceilTo(at('2026-03-14T23:00:00.001Z'), 'day')).toISOString()).toBe('2026-03-15T00:00:00.000Z');
  });

  it('counts the buckets of a range, a partial one included', () => {
    expect(bucketCount(at('2026-03-14T00:00:00Z'), at('2026-03-15T00:00:00Z'), 'hour')).toBe(24);
    expect(bucketCount(at('2026-03-14T00:00:00Z'), at('2026-03-14T00:00:30Z'), 'minute')).toBe(1);
    expect(bucketCount(at('2026-03-14T00:00:00Z'), at('2026-03-14T00:00:00Z'), 'day')).toBe(0);
  });

  it('names the UTC day of an instant', () => {
    expect(utcDay(at('2026-12-31T23:59:59.999Z'))).toBe('2026-12-31');
    expect(utcDay(at('2027-01-01T00:00:00.000Z'))).toBe('2027-01-01');
  });

  it('finds the daily quota period of an instant', () => {
    const period = quotaPeriodOf(at('2026-03-14T23:59:59.999Z'), 'day');
    expect(new Date(period.start).toISOString()).toBe('2026-03-14T00:00:00.000Z');
    expect(new Date(period.end).toISOString()).toBe('2026-03-15T00:00:00.000Z');
  });

  it('finds calendar months of any length, across a year end and in a leap year', () => {
    const february = quotaPeriodOf(at('2028-02-29T12:00:00Z'), 'month');
    expect(new Date(february.start).toISOString()).toBe('2028-02-01T00:00:00.000Z');
    expect(new Date(february.end).toISOString()).toBe('2028-03-01T00:00:00.000Z');
    const december = quotaPeriodOf(at('2026-12-31T23:59:59.999Z'), 'month');
    expect(new Date(december.end).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(quotaPeriodOf(at('2027-01-01T00:00:00Z'), 'month').start).toBe(december.end);
  });
});

import { describe, expect, it } from 'vitest';
import { backoffDelay, backoffSchedule } from './backoff';

describe('backoffDelay', () => {
  const options = { initialMs: 100, maxMs: 1_000 };

  it('doubles from the initial delay and stops at the maximum', () => {
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, options, () => 1))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('jitters between half and all of the step', () => {
    expect(backoffDelay(3, options, () => 0)).toBe(200);
    expect(backoffDelay(3, options, () => 0.5)).toBe(300);
    for (let index = 0; index < 100; index += 1) {
      const delay = backoffDelay(4, options);
      expect(delay).toBeGreaterThanOrEqual(400);
      expect(delay).toBeLessThanOrEqual(800);
    }
  });

  it('stays finite for very large attempt numbers', () => {
    expect(backoffDelay(10_000, options, () => 1)).toBe(1_000);
  });

  it('refuses attempts below one', () => {
    expect(() => backoffDelay(0, options)).toThrow(RangeError);
    expect(() => backoffDelay(1.5, options)).toThrow(RangeError);
  });
});

describe('backoffSchedule', () => {
  it('lists the waits between attempts before a message is dead-lettered', () => {
    expect(backoffSchedule(5, { initialMs: 200, maxMs: 10_000 })).toEqual([200, 400, 800, 1_600]);
    expect(backoffSchedule(1)).toEqual([]);
  });
});

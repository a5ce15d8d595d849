import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type CircuitState } from './circuit-breaker';

describe('CircuitBreaker', () => {
  const make = () => {
    const changes: CircuitState[] = [];
    const breaker = new CircuitBreaker({ failureThreshold: 3, openMs: 1000 }, (state) => changes.push(state));
    return { breaker, changes };
  };

  it('opens after consecutive failures and refuses while open', () => {
    const { breaker, changes } = make();
    for (let index = 0; index < 3; index += 1) {
      expect(breaker.tryAcquire(0)).toBe(true);
      breaker.onFailure(0);
    }
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire(999)).toBe(false);
    expect(breaker.isAvailable(999)).toBe(false);
    expect(changes).toEqual(['open']);
  });

  it('a success resets the failure count while closed', () => {
    const { breaker } = make();
    breaker.onFailure(0);
    breaker.onFailure(0);
    breaker.onSuccess();
    breaker.onFailure(0);
    breaker.onFailure(0);
    expect(breaker.state).toBe('closed');
  });

  it('lets exactly one probe through when half-open; its success closes the circuit', () => {
    const { breaker, changes } = make();
    for (let index = 0; index < 3; index += 1) breaker.onFailure(0);
    expect(breaker.isAvailable(1000)).toBe(true);
    expect(breaker.tryAcquire(1000)).toBe(true);
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire(1001)).toBe(false);
    breaker.onSuccess();
    expect(breaker.state).toBe('closed');
    expect(changes).toEqual(['open', 'half-open', 'closed']);
  });

  it('a failed probe opens the circuit again for another period', () => {
    const { breaker } = make();
    for (let index = 0; index < 3; index += 1) breaker.onFailure(0);
    expect(breaker.tryAcquire(1500)).toBe(true);
    breaker.onFailure(1500);
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire(2400)).toBe(false);
    expect(breaker.tryAcquire(2500)).toBe(true);
  });

  it('a released probe frees the slot for another one', () => {
    const { breaker } = make();
    for (let index = 0; index < 3; index += 1) breaker.onFailure(0);
    expect(breaker.tryAcquire(1000)).toBe(true);
    breaker.onRelease();
    expect(breaker.tryAcquire(1000)).toBe(true);
  });
});

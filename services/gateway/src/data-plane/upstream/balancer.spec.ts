import { describe, expect, it } from 'vitest';
import { type BalancedTarget, LeastOutstanding, WeightedRoundRobin } from './balancer';

class Target implements BalancedTarget {
  outstanding = 0;
  constructor(
    readonly name: string,
    public available: boolean,
  ) {}
  isAvailable(): boolean {
    return this.available;
  }
}
const target = (name: string, available = true) => new Target(name, available);

describe('WeightedRoundRobin', () => {
  it('picks each target in proportion to its weight, interleaved', () => {
    const a = target('a');
    const b = target('b');
    const c = target('c');
    const balancer = new WeightedRoundRobin([{ target: a, weight: 5 }, { target: b, weight: 1 }, { target: c, weight: 1 }]);
    const picks = Array.from({ length: 7 }, () => balancer.pick(0)!.name);
    expect(picks).toEqual(['a', 'a', 'b', 'a', 'c', 'a', 'a']);
  });

  it('skips unavailable targets and returns null when none is available', () => {
    const a = target('a', false);
    const b = target('b');
    const balancer = new WeightedRoundRobin([{ target: a, weight: 3 }, { target: b, weight: 1 }]);
    expect([balancer.pick(0)!.name, balancer.pick(0)!.name]).toEqual(['b', 'b']);
    b.available = false;
    expect(balancer.pick(0)).toBeNull();
  });

  it('avoids an excluded target when another is available, and uses it when it is the only one', () => {
    const a = target('a');
    const b = target('b');
    const balancer = new WeightedRoundRobin([{ target: a, weight: 1 }, { target: b, weight: 1 }]);
    expect(balancer.pick(0, a)!.name).toBe('b');
    expect(balancer.pick(0, a)!.name).toBe('b');
    b.available = false;
    expect(balancer.pick(0, a)!.name).toBe('a');
  });
});

describe('LeastOutstanding', () => {
  it('picks the target with the fewest outstanding requests per weight', () => {
    const a = target('a');
    const b = target('b');
    const balancer = new LeastOutstanding([{ target: a, weight: 1 }, { target: b, weight: 2 }]);
    a.outstanding = 1;
    b.outstanding = 1;
    expect(balancer.pick(0)!.name).toBe('b');
    b.outstanding = 3;
    expect(balancer.pick(0)!.name).toBe('a');
  });

  it('spreads ties round robin and skips unavailable or excluded targets', () => {
    const a = target('a');
    const b = target('b');
    const c = target('c', false);
    const balancer = new LeastOutstanding([{ target: a, weight: 1 }, { target: b, weight: 1 }, { target: c, weight: 1 }]);
    const picks = Array.from({ length: 4 }, () => balancer.pick(0)!.name);
    expect(new Set(picks)).toEqual(new Set(['a', 'b']));
    expect(balancer.pick(0, a)!.name).toBe('b');
    a.available = false;
    b.available = false;
    expect(balancer.pick(0)).toBeNull();
  });
});

/** What a balancer needs to know about a target; shared by every route that uses it. */
export interface BalancedTarget {
  /** Requests sent to the target and not finished yet. */
  outstanding: number;
  isAvailable(now: number): boolean;
}

export interface Balancer<T extends BalancedTarget> {
  /** A target that is available now, avoiding `exclude` when another one is; null when none is. */
  pick(now: number, exclude?: T | null): T | null;
}

interface Weighted<T> {
  readonly target: T;
  readonly weight: number;
  current: number;
}

/**
 * Smooth weighted round robin (the nginx algorithm): over any window of `sum(weights)` picks,
 * each target is chosen `weight` times, interleaved rather than in bursts. Unavailable targets
 * are skipped without disturbing the others' turns.
 */
export class WeightedRoundRobin<T extends BalancedTarget> implements Balancer<T> {
  private readonly entries: Weighted<T>[];

  constructor(targets: ReadonlyArray<{ target: T; weight: number }>) {
    this.entries = targets.map(({ target, weight }) => ({ target, weight, current: 0 }));
  }

  pick(now: number, exclude: T | null = null): T | null {
    let best: Weighted<T> | null = null;
    let total = 0;
    for (let pass = 0; pass < 2 && best === null; pass += 1) {
      for (const entry of this.entries) {
        if (!entry.target.isAvailable(now) || (pass === 0 && entry.target === exclude)) continue;
        entry.current += entry.weight;
        total += entry.weight;
        if (best === null || entry.current > best.current) best = entry;
      }
    }
    if (best === null) return null;
    best.current -= total;
    return best.target;
  }
}

/**
 * Least outstanding requests, weighted: the available target with the smallest
 * `outstanding / weight`; ties go round robin so idle targets share the load.
 */
export class LeastOutstanding<T extends BalancedTarget> implements Balancer<T> {
  private readonly entries: ReadonlyArray<{ target: T; weight: number }>;
  private cursor = 0;

  constructor(targets: ReadonlyArray<{ target: T; weight: number }>) {
    this.entries = targets;
  }

  pick(now: number, exclude: T | null = null): T | null {
    const count = this.entries.length;
    for (let pass = 0; pass < 2; pass += 1) {
      let best: T | null = null;
      let bestLoad = Number.POSITIVE_INFINITY;
      for (let offset = 0; offset < count; offset += 1) {
        const entry = this.entries[(this.cursor + offset) % count]!;
        if (!entry.target.isAvailable(now) || (pass === 0 && entry.target === exclude)) continue;
        const load = entry.target.outstanding / entry.weight;
        if (load < bestLoad) {
          best = entry.target;
          bestLoad = load;
        }
      }
      if (best !== null) {
        this.cursor = (this.cursor + 1) % count;
        return best;
      }
    }
    return null;
  }
}

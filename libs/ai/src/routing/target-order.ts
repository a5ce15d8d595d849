import type { AiPolicyConfig } from '../config/ai-config';

type Target = AiPolicyConfig['targets'][number];

/**
 * Attempt order of a policy's targets: those with weight > 0 in a weighted random order
 * (each position drawn in proportion to weight among those left), then the weight-0
 * fallbacks in list order.
 */
export function orderTargets<T extends Target>(targets: readonly T[], random: () => number = Math.random): T[] {
  const weighted = targets.filter((target) => target.weight > 0);
  const fallbacks = targets.filter((target) => target.weight <= 0);
  if (weighted.length <= 1) return [...weighted, ...fallbacks];
  // Efraimidis–Spirakis: sorting by u^(1/w) is weighted sampling without replacement.
  const keyed = weighted.map((target) => ({ target, key: Math.pow(random(), 1 / target.weight) }));
  keyed.sort((a, b) => b.key - a.key);
  return [...keyed.map((entry) => entry.target), ...fallbacks];
}

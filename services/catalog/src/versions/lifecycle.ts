import type { VersionState } from '@gatehouse/contracts';
import { AppError } from '@gatehouse/platform';

const next: Readonly<Record<VersionState, readonly VersionState[]>> = {
  draft: ['published'],
  published: ['deprecated'],
  deprecated: ['retired'],
  retired: [],
};

/** States a version may move to from `from`. */
export function allowedTransitions(from: VersionState): readonly VersionState[] {
  return next[from];
}

/** Refuses (409, listing the allowed targets) any move that is not draft → published → deprecated → retired. */
export function assertTransition(version: string, from: VersionState, to: VersionState): void {
  const allowed = next[from];
  if (allowed.includes(to)) return;
  const options = allowed.length ? `it can only move to ${allowed.join(', ')}` : `${from} is final`;
  throw new AppError(409, 'invalid_transition', `version ${version} is ${from} and cannot move to ${to}; ${options}`, { from, to, allowed: [...allowed] });
}

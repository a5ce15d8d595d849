import type { PolicyLimits } from './key-sets/key-set-policy';

export const KEYS_OPTIONS = Symbol('KEYS_OPTIONS');

/** The keys service's settings, derived once from the validated configuration. */
export interface KeysOptions {
  limits: PolicyLimits;
  defaultRotationSeconds: number;
  destroyAfterSeconds: number;
  schedulerIntervalMs: number;
}

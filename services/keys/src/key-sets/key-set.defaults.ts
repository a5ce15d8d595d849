import { type KeyPurpose } from '@gatehouse/contracts';
import type { KeysOptions } from '../keys.options';
import { defaultAlgorithm, type KeySetPolicy, minimumRetireWindow } from './key-set-policy';

/** Ids of the platform's default key sets. */
export const platformSetId: Record<KeyPurpose, string> = {
  'access-token-signing': 'platform-access-token-signing',
  'access-token-encryption': 'platform-access-token-encryption',
};

/**
 * The policy a set gets when nothing is specified: the purpose's default algorithm, the
 * configured rotation period, a lead time of twice the JWKS cache lifetime (capped by the
 * period), and the shortest safe retire window.
 */
export function defaultPolicy(purpose: KeyPurpose, options: KeysOptions): KeySetPolicy {
  const rotationPeriodSeconds = options.defaultRotationSeconds;
  return {
    alg: defaultAlgorithm[purpose],
    rsaModulusLength: 2048,
    rotationPeriodSeconds,
    leadTimeSeconds: Math.max(options.limits.jwksCacheSeconds, Math.min(2 * options.limits.jwksCacheSeconds, rotationPeriodSeconds)),
    retireWindowSeconds: minimumRetireWindow(options.limits),
    destroyAfterSeconds: options.destroyAfterSeconds,
  };
}

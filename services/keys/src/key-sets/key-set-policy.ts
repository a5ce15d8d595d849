import { encryptionAlgorithms, type KeyAlgorithm, type KeyPurpose, signingAlgorithms } from '@gatehouse/contracts';

/** The rotation policy of a key set. */
export interface KeySetPolicy {
  alg: KeyAlgorithm;
  rsaModulusLength: number;
  rotationPeriodSeconds: number;
  leadTimeSeconds: number;
  retireWindowSeconds: number;
  destroyAfterSeconds: number;
}

/** Platform-wide bounds every policy is checked against. */
export interface PolicyLimits {
  jwksCacheSeconds: number;
  maxTokenLifetimeSeconds: number;
  clockSkewSeconds: number;
}

export const algorithmsFor: Record<KeyPurpose, readonly KeyAlgorithm[]> = {
  'access-token-signing': signingAlgorithms,
  'access-token-encryption': encryptionAlgorithms,
};

export const defaultAlgorithm: Record<KeyPurpose, KeyAlgorithm> = {
  'access-token-signing': 'ES256',
  'access-token-encryption': 'ECDH-ES+A256KW',
};

export const rsaModulusLengths = [2048, 3072] as const;

/** The shortest retire window the limits allow: the longest token plus clock skew. */
export const minimumRetireWindow = (limits: PolicyLimits) => limits.maxTokenLifetimeSeconds + limits.clockSkewSeconds;

/**
 * Every reason `policy` is unacceptable for a `purpose` set, each a sentence naming the
 * field, the value and the bound. Empty when the policy is valid.
 */
export function policyProblems(purpose: KeyPurpose, policy: KeySetPolicy, limits: PolicyLimits): string[] {
  const problems: string[] = [];
  const allowed = algorithmsFor[purpose];
  if (!allowed.includes(policy.alg)) {
    problems.push(`alg "${policy.alg}" is not supported for ${purpose} key sets; use one of ${allowed.join(', ')}`);
  }
  if (!(rsaModulusLengths as readonly number[]).includes(policy.rsaModulusLength)) {
    problems.push(`rsaModulusLength ${policy.rsaModulusLength} is not supported; use 2048 or 3072`);
  }
  if (policy.leadTimeSeconds < limits.jwksCacheSeconds) {
    problems.push(
      `leadTimeSeconds ${policy.leadTimeSeconds} is shorter than the JWKS cache lifetime of ${limits.jwksCacheSeconds} seconds: a new key must be published at least that long before it is used`,
    );
  }
  if (policy.rotationPeriodSeconds < policy.leadTimeSeconds) {
    problems.push(`rotationPeriodSeconds ${policy.rotationPeriodSeconds} is shorter than leadTimeSeconds ${policy.leadTimeSeconds}: the next key could not be published in time`);
  }
  const minimum = minimumRetireWindow(limits);
  if (policy.retireWindowSeconds < minimum) {
    problems.push(
      `retireWindowSeconds ${policy.retireWindowSeconds} is shorter than the longest token lifetime plus clock skew (${limits.maxTokenLifetimeSeconds} + ${limits.clockSkewSeconds} = ${minimum} seconds): tokens signed just before retirement must stay verifiable`,
    );
  }
  return problems;
}

/** Whether a string names an algorithm (of any purpose). */
export const isKnownAlgorithm = (alg: string): alg is KeyAlgorithm => [...signingAlgorithms, ...encryptionAlgorithms].includes(alg as KeyAlgorithm);

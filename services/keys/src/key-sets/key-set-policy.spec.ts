import { describe, expect, it } from 'vitest';
import { type KeySetPolicy, policyProblems } from './key-set-policy';

const limits = { jwksCacheSeconds: 300, maxTokenLifetimeSeconds: 900, clockSkewSeconds: 30 };
const valid: KeySetPolicy = { alg: 'ES256', rsaModulusLength: 2048, rotationPeriodSeconds: 86_400, leadTimeSeconds: 600, retireWindowSeconds: 930, destroyAfterSeconds: 86_400 };

describe('policyProblems', () => {
  it('accepts a policy within every bound', () => {
    expect(policyProblems('access-token-signing', valid, limits)).toEqual([]);
    expect(policyProblems('access-token-encryption', { ...valid, alg: 'RSA-OAEP-256', rsaModulusLength: 3072 }, limits)).toEqual([]);
  });

  it('names an unknown or misplaced algorithm and lists the allowed ones', () => {
    expect(policyProblems('access-token-signing', { ...valid, alg: 'HS256' as never }, limits)).toEqual([
      'alg "HS256" is not supported for access-token-signing key sets; use one of ES256, EdDSA, RS256, PS256',
    ]);
    expect(policyProblems('access-token-encryption', valid, limits)).toEqual([
      'alg "ES256" is not supported for access-token-encryption key sets; use one of ECDH-ES+A256KW, RSA-OAEP-256',
    ]);
  });

  it('refuses a lead time shorter than the JWKS cache lifetime', () => {
    expect(policyProblems('access-token-signing', { ...valid, leadTimeSeconds: 299 }, limits)).toEqual([
      'leadTimeSeconds 299 is shorter than the JWKS cache lifetime of 300 seconds: a new key must be published at least that long before it is used',
    ]);
  });

  it('refuses a retire window shorter than the longest token plus clock skew', () => {
    expect(policyProblems('access-token-signing', { ...valid, retireWindowSeconds: 929 }, limits)).toEqual([
      'retireWindowSeconds 929 is shorter than the longest token lifetime plus clock skew (900 + 30 = 930 seconds): tokens signed just before retirement must stay verifiable',
    ]);
  });

  it('refuses a rotation period shorter than the lead time and an unsupported RSA size', () => {
    expect(policyProblems('access-token-signing', { ...valid, rotationPeriodSeconds: 500, rsaModulusLength: 1024 }, limits)).toEqual([
      'rsaModulusLength 1024 is not supported; use 2048 or 3072',
      'rotationPeriodSeconds 500 is shorter than leadTimeSeconds 600: the next key could not be published in time',
    ]);
  });
});

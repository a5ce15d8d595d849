import type { SigningAlgorithm } from './key-material';

/**
 * An access token that passed every check. Frozen: one instance may be served from the
 * verified-token cache to many requests.
 */
export interface VerifiedToken {
  readonly issuer: string;
  readonly subject: string;
  /** `aud`, always as a list. */
  readonly audience: readonly string[];
  readonly clientId: string;
  readonly tenant: string;
  readonly jti: string;
  /** `scope` split on spaces; empty when absent. */
  readonly scopes: readonly string[];
  /** Seconds since the epoch, as in the claims. */
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly notBefore: number | null;
  /** Signing key id and algorithm. */
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  /** True when the token arrived as a JWE around the signed JWT. */
  readonly encrypted: boolean;
  /** Encryption key id of the outer JWE, or null. */
  readonly encryptionKid: string | null;
  /** Every claim of the payload, deeply frozen. */
  readonly claims: Readonly<Record<string, unknown>>;
}

/** The part of a token the revocation store looks at. */
export type RevocableToken = Pick<VerifiedToken, 'jti' | 'subject' | 'clientId' | 'tenant' | 'issuedAt'>;

import { hash } from 'node:crypto';
import { checkClaims } from './claims';
import { TokenError, type TokenErrorCode } from './errors';
import { decryptJwe } from './jwe';
import { verifyJws } from './jws';
import type { DecryptionKeyRing, VerificationKeyRing } from './key-ring';
import type { RevocationStore } from './revocation-store';
import { VerifiedTokenCache } from './token-cache';
import type { VerifiedToken } from './verified-token';

/** Counters a caller can forward to Prometheus; each is a plain call on the hot path. */
export interface TokenVerifierMetrics {
  cacheHit?(): void;
  cacheMiss?(): void;
  refused?(code: TokenErrorCode): void;
}

/** Options of a TokenVerifier; one verifier per process and purpose, shared by every request. */
export interface TokenVerifierOptions {
  /** Accepted `iss` value(s). */
  issuer: string | readonly string[];
  keys: VerificationKeyRing;
  /** Needed to accept encrypted (JWE) tokens; without it they are refused. */
  decryptionKeys?: DecryptionKeyRing;
  revocations?: RevocationStore;
  /** Allowed clock difference for exp, nbf and iat. Default 30. */
  clockSkewSeconds?: number;
  /** Longest token accepted, in bytes. Default 8192. */
  maxTokenBytes?: number;
  /** Verified tokens kept; 0 disables the cache. Default 10 000. */
  cacheSize?: number;
  /** Epoch ms. Default Date.now. */
  now?: () => number;
  metrics?: TokenVerifierMetrics;
}

/** What the caller requires beyond a valid token. */
export interface VerifyExpectations {
  /** `aud` must contain this value. */
  audience?: string;
  /** Refuse a token that is not a JWE around the signed JWT. */
  requireEncrypted?: boolean;
}

/** Plain counters, readable at any time (for tests and diagnostics). */
export interface TokenVerifierStats {
  cacheHits: number;
  cacheMisses: number;
  /** Signature verifications actually computed (cache hits do none). */
  signatureChecks: number;
  /** JWE decryptions actually computed. */
  decryptions: number;
}

const tokenAlphabet = /^[A-Za-z0-9_.-]+$/;

/**
 * Strict access-token verification (RFC 9068 profile, RFC 8725 practices) with a bounded
 * verified-token cache. `verify` is synchronous: a cache hit is one SHA-256, one Map lookup,
 * an expiry compare and the revocation lookups; a miss verifies the signature (and decrypts)
 * with node:crypto KeyObjects prepared once per key. Cached verdicts are dropped when their
 * key is revoked, removed or shortened, and when a revocation that covers them arrives.
 */
export class TokenVerifier {
  readonly stats: TokenVerifierStats = { cacheHits: 0, cacheMisses: 0, signatureChecks: 0, decryptions: 0 };
  private readonly issuers: ReadonlySet<string>;
  private readonly skewMs: number;
  private readonly maxTokenBytes: number;
  private readonly now: () => number;
  private readonly cache: VerifiedTokenCache | null;
  private readonly metrics: TokenVerifierMetrics;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(private readonly options: TokenVerifierOptions) {
    const issuers = typeof options.issuer === 'string' ? [options.issuer] : [...options.issuer];
    if (issuers.length === 0 || issuers.some((issuer) => typeof issuer !== 'string' || issuer.length === 0)) throw new TypeError('TokenVerifier needs at least one non-empty issuer');
    this.issuers = new Set(issuers);
    this.skewMs = (options.clockSkewSeconds ?? 30) * 1000;
    this.maxTokenBytes = options.maxTokenBytes ?? 8192;
    this.now = options.now ?? Date.now;
    this.metrics = options.metrics ?? {};
    const cacheSize = options.cacheSize ?? 10_000;
    this.cache = cacheSize > 0 ? new VerifiedTokenCache(cacheSize) : null;
    const cache = this.cache;
    if (cache) {
      this.unsubscribe.push(options.keys.onInvalidated((kid) => cache.purge((token) => token.kid === kid)));
      if (options.decryptionKeys) this.unsubscribe.push(options.decryptionKeys.onInvalidated((kid) => cache.purge((token) => token.encryptionKid === kid)));
      if (options.revocations) this.unsubscribe.push(options.revocations.onRevocation((refuses) => cache.purge(refuses)));
    }
  }

  /**
   * Verifies a compact access token (JWS, or JWE around a JWS) and returns its claims, or
   * throws a TokenError with a stable code. Never logs or echoes the token.
   */
  verify(token: string, expectations: VerifyExpectations = {}): VerifiedToken {
    try {
      if (typeof token !== 'string' || token.length === 0) throw new TokenError('ERR_TOKEN_MALFORMED', 'token is empty');
      if (token.length > this.maxTokenBytes) throw new TokenError('ERR_TOKEN_TOO_LARGE', `token is longer than ${this.maxTokenBytes} bytes`);
      const now = this.now();
      const cacheKey = this.cache ? hash('sha256', token, 'base64') : '';
      const entry = this.cache?.get(cacheKey);
      if (entry !== undefined && now < entry.validUntil) {
        this.stats.cacheHits += 1;
        this.metrics.cacheHit?.();
        if (this.options.revocations?.isRevoked(entry.token)) throw new TokenError('ERR_TOKEN_REVOKED');
        return this.expect(entry.token, expectations);
      }
      if (entry !== undefined) this.cache!.delete(cacheKey);
      this.stats.cacheMisses += 1;
      this.metrics.cacheMiss?.();
      const { verified, validUntil } = this.verifyUncached(token, now, expectations.requireEncrypted === true);
      if (this.options.revocations?.isRevoked(verified)) throw new TokenError('ERR_TOKEN_REVOKED');
      this.cache?.set(cacheKey, verified, validUntil, now);
      return this.expect(verified, expectations);
    } catch (error) {
      if (error instanceof TokenError) this.metrics.refused?.(error.code);
      throw error;
    }
  }

  /** Drops every cached verdict. */
  clearCache(): void {
    this.cache?.clear();
  }

  /** Number of cached verdicts. */
  get cacheSize(): number {
    return this.cache?.size ?? 0;
  }

  /** Detaches from the rings and the revocation store. */
  close(): void {
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
  }

  private expect(token: VerifiedToken, expectations: VerifyExpectations): VerifiedToken {
    if (expectations.requireEncrypted && !token.encrypted) throw new TokenError('ERR_TOKEN_ENCRYPTION_REQUIRED');
    if (expectations.audience !== undefined && !token.audience.includes(expectations.audience)) throw new TokenError('ERR_TOKEN_AUDIENCE');
    return token;
  }

  private verifyUncached(token: string, now: number, requireEncrypted: boolean): { verified: VerifiedToken; validUntil: number } {
    if (!tokenAlphabet.test(token)) throw new TokenError('ERR_TOKEN_MALFORMED', 'token holds characters outside base64url and "."');
    const segments = token.split('.');
    let signed = token;
    let encryption: { kid: string; verifiableUntil: number } | null = null;
    if (segments.length === 5) {
      if (!this.options.decryptionKeys) throw new TokenError('ERR_TOKEN_KID_UNKNOWN', 'encrypted tokens are not accepted here (no decryption keys)');
      const { key, nested } = decryptJwe(segments, this.options.decryptionKeys, now, this.stats);
      encryption = { kid: key.kid, verifiableUntil: key.verifiableUntil };
      signed = nested;
    } else if (segments.length !== 3) {
      throw new TokenError('ERR_TOKEN_MALFORMED', 'a token has three (JWS) or five (JWE) segments');
    } else if (requireEncrypted) {
      throw new TokenError('ERR_TOKEN_ENCRYPTION_REQUIRED');
    }
    const { key, payload } = verifyJws(signed, this.options.keys, now, this.stats);
    const verified = checkClaims(payload, {
      issuers: this.issuers,
      now,
      skewMs: this.skewMs,
      kid: key.kid,
      alg: key.material.alg,
      keyTenant: key.tenantId,
      encryptionKid: encryption?.kid ?? null,
    });
    const validUntil = Math.min(verified.expiresAt * 1000 + this.skewMs, key.verifiableUntil, encryption?.verifiableUntil ?? Number.POSITIVE_INFINITY);
    return { verified, validUntil };
  }
}

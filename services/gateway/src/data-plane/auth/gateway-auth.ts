import { DecryptionKeyRing, RevocationStore, TokenVerifier, type TransportSecret, VerificationKeyRing } from '@gatehouse/auth';
import type { Logger } from '@gatehouse/observability';
import type { DataPlaneMetrics } from '../metrics/data-plane-metrics';

export interface GatewayAuthOptions {
  readonly issuers: readonly string[];
  readonly transportSecrets: readonly TransportSecret[];
  readonly clockSkewSeconds: number;
  readonly cacheSize: number;
  readonly metrics?: DataPlaneMetrics;
  readonly logger?: Logger;
}

/** The key rings, revocations and verifier the data plane authenticates bearer tokens with. */
export interface GatewayAuth {
  readonly keys: VerificationKeyRing;
  readonly decryptionKeys: DecryptionKeyRing;
  readonly revocations: RevocationStore;
  readonly verifier: TokenVerifier;
}

export function createGatewayAuth(options: GatewayAuthOptions): GatewayAuth {
  const keys = new VerificationKeyRing();
  const decryptionKeys = new DecryptionKeyRing({
    transportSecrets: options.transportSecrets,
    onError: (error, kid) => options.logger?.error({ kid, reason: error.message }, 'token-encryption key could not be unwrapped; tokens encrypted to it are refused'),
  });
  const revocations = new RevocationStore();
  const metrics = options.metrics;
  const verifier = new TokenVerifier({
    issuer: options.issuers,
    keys,
    decryptionKeys,
    revocations,
    clockSkewSeconds: options.clockSkewSeconds,
    cacheSize: options.cacheSize,
    metrics: metrics && {
      cacheHit: () => metrics.tokenCacheHits.inc(),
      cacheMiss: () => metrics.tokenCacheMisses.inc(),
      refused: (code) => metrics.tokenRefusals.labels(code).inc(),
    },
  });
  return { keys, decryptionKeys, revocations, verifier };
}

import { Inject, Injectable } from '@nestjs/common';
import { decodeJwt, jwtVerify } from 'jose';
import { Clock } from '../common/clock';
import type { IdentityConfig } from '../config/identity-config';
import { IDENTITY_CONFIG } from '../core/identity-core.module';
import type { ClientRecord } from '../credentials/client-registry';
import { CredentialsRepository } from '../credentials/credentials.repository';
import { oauthEndpoints } from './endpoints';

export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const MAX_LIFETIME_SECONDS = 300;
const SKEW_SECONDS = 30;

/** The `iss` of an assertion before verification, to know whose keys to verify it with. */
export function assertionIssuer(assertion: string): string | undefined {
  try {
    const iss = decodeJwt(assertion).iss;
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `private_key_jwt` (RFC 7523 section 3): signed by one of the client's registered keys with an
 * asymmetric algorithm, `iss` = `sub` = client_id, `aud` the issuer or the endpoint called,
 * short-lived, and its `jti` used once (kept until it expires).
 */
@Injectable()
export class ClientAssertionVerifier {
  private lastPrune = 0;

  constructor(
    private readonly credentials: CredentialsRepository,
    private readonly clock: Clock,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {}

  async verify(assertion: string, client: ClientRecord, endpointUrl: string): Promise<boolean> {
    if (!client.keys) return false;
    const endpoints = oauthEndpoints(this.config.TOKEN_ISSUER);
    let payload: { exp?: number; jti?: string };
    try {
      ({ payload } = await jwtVerify(assertion, client.keys, {
        algorithms: ['ES256', 'ES384', 'ES512', 'EdDSA', 'RS256', 'PS256'],
        issuer: client.id,
        subject: client.id,
        audience: [this.config.TOKEN_ISSUER, endpoints.token, endpointUrl],
        requiredClaims: ['exp', 'jti'],
        clockTolerance: SKEW_SECONDS,
        currentDate: this.clock.date(),
      }));
    } catch {
      return false;
    }
    const now = this.clock.seconds();
    if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 200) return false;
    if (payload.exp! - now > MAX_LIFETIME_SECONDS + SKEW_SECONDS) return false;
    await this.prune();
    return this.credentials.recordAssertion(client.id, payload.jti, new Date((payload.exp! + SKEW_SECONDS) * 1000));
  }

  private async prune(): Promise<void> {
    const now = this.clock.now();
    if (now - this.lastPrune < 60_000) return;
    this.lastPrune = now;
    await this.credentials.pruneAssertions(new Date(now));
  }
}

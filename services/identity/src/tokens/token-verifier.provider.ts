import type { Provider } from '@nestjs/common';
import { RevocationStore, TokenVerifier } from '@gatehouse/auth';
import type { Logger } from '@gatehouse/observability';
import { LOGGER } from '@gatehouse/platform';
import { Clock } from '../common/clock';
import type { IdentityConfig } from '../config/identity-config';
import { IDENTITY_SECRETS, type IdentitySecrets } from '../config/identity-secrets';
import { IDENTITY_CONFIG } from '../core/identity-core.module';
import { KeyStore } from '../keys/key-store';
import { REVOCATION_STORE } from './revocations.service';

/** Verifies identity's own tokens (introspection, token exchange, admin API) like a gateway would. */
export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');

export const tokenStateProviders: Provider[] = [
  {
    provide: KeyStore,
    inject: [IDENTITY_SECRETS, LOGGER],
    useFactory: (secrets: IdentitySecrets, logger: Logger) =>
      new KeyStore(secrets.transportSecrets, (error, kid) => logger.error({ kid, reason: error.message }, 'key record cannot be used')),
  },
  { provide: REVOCATION_STORE, inject: [Clock], useFactory: (clock: Clock) => new RevocationStore({ now: () => clock.now() }) },
  {
    provide: TOKEN_VERIFIER,
    inject: [KeyStore, REVOCATION_STORE, Clock, IDENTITY_CONFIG],
    useFactory: (keys: KeyStore, revocations: RevocationStore, clock: Clock, config: IdentityConfig) =>
      new TokenVerifier({ issuer: config.TOKEN_ISSUER, keys: keys.verificationRing, revocations, clockSkewSeconds: config.CLOCK_SKEW_SECONDS, now: () => clock.now() }),
  },
];

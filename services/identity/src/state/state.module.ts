import { Global, Module } from '@nestjs/common';
import { ADMIN_BOOTSTRAP_SECRET, ADMIN_TOKEN_VERIFIER, AdminAuthGuard } from '@gatehouse/auth';
import { SubscriptionIndex } from '../catalog/subscription-index';
import { IDENTITY_SECRETS, type IdentitySecrets } from '../config/identity-secrets';
import { KeyStore } from '../keys/key-store';
import { REVOCATION_STORE } from '../tokens/revocations.service';
import { TOKEN_VERIFIER, tokenStateProviders } from '../tokens/token-verifier.provider';
import { StateFeed } from './state-feed.service';

/** In-memory state fed from Kafka, the verifier built on it, and the admin guard that uses it. */
@Global()
@Module({
  providers: [
    ...tokenStateProviders,
    { provide: SubscriptionIndex, useFactory: () => new SubscriptionIndex() },
    StateFeed,
    { provide: ADMIN_TOKEN_VERIFIER, useExisting: TOKEN_VERIFIER },
    { provide: ADMIN_BOOTSTRAP_SECRET, inject: [IDENTITY_SECRETS], useFactory: (secrets: IdentitySecrets) => secrets.adminBootstrapToken },
    AdminAuthGuard,
  ],
  exports: [KeyStore, REVOCATION_STORE, TOKEN_VERIFIER, SubscriptionIndex, StateFeed, ADMIN_TOKEN_VERIFIER, ADMIN_BOOTSTRAP_SECRET, AdminAuthGuard],
})
export class StateModule {}

import { Global, Module } from '@nestjs/common';
import { SubscriptionIndex } from '../catalog/subscription-index';
import { KeyStore } from '../keys/key-store';
import { REVOCATION_STORE } from '../tokens/revocations.service';
import { TOKEN_VERIFIER, tokenStateProviders } from '../tokens/token-verifier.provider';
import { StateFeed } from './state-feed.service';

/** In-memory state fed from Kafka and the token verifier built on it. */
@Global()
@Module({
  providers: [
    ...tokenStateProviders,
    { provide: SubscriptionIndex, useFactory: () => new SubscriptionIndex() },
    StateFeed,
  ],
  exports: [KeyStore, REVOCATION_STORE, TOKEN_VERIFIER, SubscriptionIndex, StateFeed],
})
export class StateModule {}

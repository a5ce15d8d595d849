import type { DynamicModule } from '@nestjs/common';
import { AdminAuthModule, type TokenVerifier } from '@gatehouse/auth';
import type { IdentitySecrets } from '../config/identity-secrets';
import { TOKEN_VERIFIER } from '../tokens/token-verifier.provider';

/**
 * Admin authentication of identity: member tokens verified by identity's own token verifier
 * (the keys and revocations StateModule follows), or the bootstrap secret.
 */
export function identityAdminAuth(secrets: IdentitySecrets): DynamicModule {
  return AdminAuthModule.forRoot({
    bootstrapToken: secrets.adminBootstrapToken,
    verifier: { inject: [TOKEN_VERIFIER], useFactory: (verifier: TokenVerifier) => verifier },
  });
}

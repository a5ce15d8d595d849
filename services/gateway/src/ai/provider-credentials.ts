import { type TransportSecret, unwrapSecret } from '@gatehouse/auth';
import type { AiProviderState } from './ai-records';

/** Opens the credential of a provider record; '' for a provider that takes none. */
export interface CredentialOpener {
  open(state: AiProviderState): Promise<string>;
}

/**
 * Opens provider credentials wrapped for the gateway with the key-transport secret(s)
 * (several during a rotation; picked by `kid`). The JWE must name this very record
 * (`provider:<id>`), so a credential replayed onto another provider does not open.
 */
export class ProviderCredentials implements CredentialOpener {
  constructor(private readonly secrets: readonly TransportSecret[]) {}

  async open(state: AiProviderState): Promise<string> {
    if (state.credential === null) return '';
    return unwrapSecret(state.credential, this.secrets, { recipient: 'gateway', subject: `provider:${state.providerId}` });
  }
}

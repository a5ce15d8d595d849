import { Injectable } from '@nestjs/common';
import { type WrappedSecret, wrapSecret } from '@gatehouse/auth';
import { KeyVault, type WrapContext } from '@gatehouse/vault';
import { createHash } from 'node:crypto';
import { GatewayTransport } from '../common/ai-secrets';
import type { AiProviderEntity } from './ai-provider.entity';

export interface SealedCredential {
  ciphertext: Buffer;
  keyId: string;
  fingerprint: string;
}

type Owner = Pick<AiProviderEntity, 'id' | 'tenantId'>;

/** The vault context of a provider credential: it opens only for its own provider and tenant. */
export const credentialContext = (provider: Owner): WrapContext => ({ domain: 'gatehouse-catalog/ai-provider', ids: [provider.id, provider.tenantId] });

/** The record key a credential is wrapped for on the AI state topic. */
export const providerSubject = (providerId: string) => `provider:${providerId}`;

/**
 * Every use of a provider credential: sealing it at rest under the vault, re-sealing under
 * a new master key, and wrapping it for the gateway. Plaintext buffers are zeroed after use;
 * the credential is never logged nor returned.
 */
@Injectable()
export class ProviderCredentials {
  constructor(
    private readonly vault: KeyVault,
    private readonly transport: GatewayTransport,
  ) {}

  get transportSecretId(): string {
    return this.transport.secret.id;
  }

  get masterKeyId(): string {
    return this.vault.keyId;
  }

  canOpen(keyId: string): boolean {
    return this.vault.canUnwrap(keyId);
  }

  async seal(provider: Owner, credential: string): Promise<SealedCredential> {
    const plaintext = Buffer.from(credential, 'utf8');
    try {
      const fingerprint = `sha256:${createHash('sha256').update(plaintext).digest('hex').slice(0, 12)}`;
      const blob = await this.vault.wrap(plaintext, credentialContext(provider));
      return { ciphertext: blob.data, keyId: blob.keyId, fingerprint };
    } finally {
      plaintext.fill(0);
    }
  }

  /** The stored credential under the vault's current master key. */
  async reseal(provider: AiProviderEntity): Promise<{ ciphertext: Buffer; keyId: string }> {
    const plaintext = await this.open(provider);
    try {
      const blob = await this.vault.wrap(plaintext, credentialContext(provider));
      return { ciphertext: blob.data, keyId: blob.keyId };
    } finally {
      plaintext.fill(0);
    }
  }

  /** The credential wrapped for the gateway, or null when the provider has none. */
  async forGateway(provider: AiProviderEntity): Promise<WrappedSecret | null> {
    if (!provider.credentialCiphertext || !provider.credentialKeyId) return null;
    const plaintext = await this.open(provider);
    try {
      return await wrapSecret(plaintext.toString('utf8'), 'gateway', this.transport.secret, providerSubject(provider.id));
    } finally {
      plaintext.fill(0);
    }
  }

  private open(provider: AiProviderEntity): Promise<Buffer> {
    return this.vault.unwrap({ keyId: provider.credentialKeyId!, data: provider.credentialCiphertext! }, credentialContext(provider));
  }
}

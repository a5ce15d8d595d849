import { Injectable } from '@nestjs/common';
import { type KeyPurpose, type KeyStateName, type WrappedPrivateKey } from '@gatehouse/contracts';
import { type KeyRecipient, wrapPrivateKey } from '@gatehouse/auth';
import { KeyVault, type WrapContext, type WrappedBlob } from '@gatehouse/vault';
import type { JWK } from 'jose';
import type { KeyEntity } from '../key-sets/entities/key.entity';
import type { KeySetEntity } from '../key-sets/entities/key-set.entity';
import { TransportSecrets } from '../publication/transport-secrets';
import { KeyGenerator, type RsaModulusLength } from './key-generator';

/** The vault context of a stored private key: it opens only for its own kid and key set. */
export const keyWrapContext = (kid: string, keySetId: string): WrapContext => ({ domain: 'gatehouse-keys', ids: [kid, keySetId] });

export const recipientOf = (purpose: KeyPurpose): KeyRecipient => (purpose === 'access-token-signing' ? 'identity' : 'gateway');

/** Signing keys reach identity only while they may sign; encryption keys reach the gateway while it may have to decrypt. */
export function distributesPrivateKey(purpose: KeyPurpose, state: KeyStateName): boolean {
  if (purpose === 'access-token-signing') return state === 'pending' || state === 'active';
  return state === 'pending' || state === 'active' || state === 'retiring';
}

export interface NewKeyMaterial {
  kid: string;
  publicJwk: KeyEntity['publicJwk'];
  wrapped: WrappedBlob;
}

/**
 * Every use of private key material: generation, wrapping at rest, re-wrapping under a new
 * master key and wrapping for a recipient. Plaintext lives in buffers that are zeroed as soon
 * as the operation is done.
 */
@Injectable()
export class KeyMaterialService {
  constructor(
    private readonly vault: KeyVault,
    private readonly generator: KeyGenerator,
    private readonly transport: TransportSecrets,
  ) {}

  get masterKeyId(): string {
    return this.vault.keyId;
  }

  async generate(set: Pick<KeySetEntity, 'id' | 'alg' | 'rsaModulusLength'>): Promise<NewKeyMaterial> {
    const generated = await this.generator.generate(set.alg, set.rsaModulusLength as RsaModulusLength);
    try {
      const wrapped = await this.vault.wrap(generated.privateJwk, keyWrapContext(generated.kid, set.id));
      return { kid: generated.kid, publicJwk: generated.publicJwk, wrapped };
    } finally {
      generated.privateJwk.fill(0);
    }
  }

  /** The private key wrapped for the one service that uses it, or null when it must not travel in this state. */
  async forTransport(set: Pick<KeySetEntity, 'purpose'>, key: KeyEntity): Promise<WrappedPrivateKey | null> {
    if (!distributesPrivateKey(set.purpose, key.state) || !key.wrappedPrivateKey || !key.masterKeyId) return null;
    const plaintext = await this.vault.unwrap({ keyId: key.masterKeyId, data: key.wrappedPrivateKey }, keyWrapContext(key.kid, key.keySetId));
    try {
      const recipient = recipientOf(set.purpose);
      return await wrapPrivateKey(JSON.parse(plaintext.toString('utf8')) as JWK, recipient, this.transport.of(recipient));
    } finally {
      plaintext.fill(0);
    }
  }

  /** Re-wraps a stored key under the vault's current master key. */
  async rewrap(key: Pick<KeyEntity, 'kid' | 'keySetId' | 'masterKeyId' | 'wrappedPrivateKey'>): Promise<WrappedBlob> {
    const context = keyWrapContext(key.kid, key.keySetId);
    const plaintext = await this.vault.unwrap({ keyId: key.masterKeyId!, data: key.wrappedPrivateKey! }, context);
    try {
      return await this.vault.wrap(plaintext, context);
    } finally {
      plaintext.fill(0);
    }
  }

  canUnwrap(masterKeyId: string): boolean {
    return this.vault.canUnwrap(masterKeyId);
  }
}

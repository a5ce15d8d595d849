/**
 * A private key wrapped under a key-encryption key. `keyId` names the KEK version that
 * wrapped it; `data` is opaque to everyone but the vault that produced it.
 */
export interface WrappedBlob {
  keyId: string;
  data: Buffer;
}

/** Binds a wrapped blob to the key it holds, so a blob cannot be swapped onto another row. */
export interface WrapContext {
  kid: string;
  keySetId: string;
}

/**
 * The key-vault port: the only place private key material is encrypted or decrypted at
 * rest. The local master-key vault implements it; an HSM or cloud KMS adapter implements
 * the same three members (see docs/services/keys.md).
 */
export abstract class KeyVault {
  /** The KEK version new wraps use. */
  abstract readonly keyId: string;
  abstract wrap(plaintext: Buffer, context: WrapContext): Promise<WrappedBlob>;
  abstract unwrap(blob: WrappedBlob, context: WrapContext): Promise<Buffer>;
  /** Whether a blob wrapped under `keyId` can be opened by this vault. */
  abstract canUnwrap(keyId: string): boolean;
}

export class VaultError extends Error {
  override readonly name = 'VaultError';
  readonly code = 'ERR_KEY_VAULT';
}

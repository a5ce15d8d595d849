/**
 * A secret wrapped under a key-encryption key. `keyId` names the KEK version that wrapped
 * it; `data` is opaque to everyone but the vault that produced it.
 */
export interface WrappedBlob {
  keyId: string;
  data: Buffer;
}

/**
 * What a wrapped secret belongs to. It is authenticated with the ciphertext (AAD), not
 * encrypted: a blob opens only under the same domain and ids, so it cannot be moved onto
 * another row or reused for another kind of secret.
 */
export interface WrapContext {
  /** The kind of secret, e.g. `gatehouse-keys` (private keys) or `gatehouse-catalog/ai-provider`. */
  readonly domain: string;
  /** The ids of its owner, most specific first, e.g. `[kid, keySetId]`. None may contain `|`. */
  readonly ids: readonly string[];
}

/**
 * The key-vault port: the only place secrets are encrypted or decrypted at rest. The local
 * master-key vault implements it; an HSM or cloud KMS adapter implements the same members.
 */
export abstract class KeyVault {
  /** The KEK version new wraps use. */
  abstract readonly keyId: string;
  abstract wrap(plaintext: Buffer, context: WrapContext): Promise<WrappedBlob>;
  abstract unwrap(blob: WrappedBlob, context: WrapContext): Promise<Buffer>;
  /** Whether a blob wrapped under `keyId` can be opened by this vault. */
  abstract canUnwrap(keyId: string): boolean;
}

/** A vault operation failed. The message names the context and the KEK id, never secret material. */
export class VaultError extends Error {
  override readonly name = 'VaultError';
  readonly code = 'ERR_KEY_VAULT';
}

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { KeyVault, VaultError, type WrapContext, type WrappedBlob } from './key-vault';

/** A 32-byte key-encryption key with its version id. */
export interface MasterKey {
  id: string;
  key: Buffer;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT = 1;
const domainPattern = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$/;

function aad(context: WrapContext): Buffer {
  if (!domainPattern.test(context.domain)) throw new VaultError('the wrap context domain must be 1-100 characters of A-Z a-z 0-9 . _ / -');
  if (context.ids.length === 0 || context.ids.some((id) => id.length === 0 || id.includes('|'))) {
    throw new VaultError(`the wrap context of ${context.domain} needs at least one id, each non-empty and without "|"`);
  }
  return Buffer.from(`${context.domain}/v1|${context.ids.join('|')}`, 'utf8');
}

const describe = (context: WrapContext) => `${context.domain} secret ${context.ids.join('/')}`;

/**
 * AES-256-GCM envelope under a master key held in process memory. Blob layout:
 * `format(1) | iv(12) | tag(16) | ciphertext`, with `<domain>/v1|<id>|<id>...` as AAD.
 */
export class LocalMasterKeyVault extends KeyVault {
  private readonly keys: ReadonlyMap<string, Buffer>;
  readonly keyId: string;

  /** `masterKeys[0]` wraps; every key unwraps what it wrapped. */
  constructor(masterKeys: readonly MasterKey[]) {
    super();
    if (masterKeys.length === 0) throw new VaultError('the local key vault needs at least one master key');
    for (const master of masterKeys) if (master.key.length !== 32) throw new VaultError(`master key ${master.id} must be 32 bytes`);
    this.keys = new Map(masterKeys.map((master) => [master.id, Buffer.from(master.key)]));
    if (this.keys.size !== masterKeys.length) throw new VaultError('master key ids must be distinct');
    this.keyId = masterKeys[0]!.id;
  }

  canUnwrap(keyId: string): boolean {
    return this.keys.has(keyId);
  }

  async wrap(plaintext: Buffer, context: WrapContext): Promise<WrappedBlob> {
    const additional = aad(context);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.keyId)!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(additional);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { keyId: this.keyId, data: Buffer.concat([Buffer.from([FORMAT]), iv, cipher.getAuthTag(), ciphertext]) };
  }

  async unwrap(blob: WrappedBlob, context: WrapContext): Promise<Buffer> {
    const additional = aad(context);
    const key = this.keys.get(blob.keyId);
    if (!key) throw new VaultError(`${describe(context)} is wrapped under master key "${blob.keyId}", which this vault does not hold`);
    if (blob.data.length < 1 + IV_BYTES + TAG_BYTES || blob.data[0] !== FORMAT) throw new VaultError(`${describe(context)} has an unknown format`);
    const iv = blob.data.subarray(1, 1 + IV_BYTES);
    const tag = blob.data.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(additional);
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(blob.data.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
    } catch (error) {
      throw new VaultError(`${describe(context)} failed authentication under master key "${blob.keyId}"`, { cause: error });
    }
  }
}

import { constants, createCipheriv, createHash, diffieHellman, generateKeyPairSync, publicEncrypt, randomBytes } from 'node:crypto';
import type { ActiveEncryptionKey } from '../keys/key-store';

const AES_KW_IV = Buffer.from('A6A6A6A6A6A6A6A6', 'hex');
const b64 = (bytes: Buffer) => bytes.toString('base64url');

const uint32 = (value: number) => {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value);
  return buffer;
};

/** Concat KDF of RFC 7518 section 4.6.2 for a 256-bit key, no apu/apv: one SHA-256 round. */
function concatKdf(shared: Buffer, alg: string): Buffer {
  const algorithmId = Buffer.from(alg, 'ascii');
  return createHash('sha256')
    .update(uint32(1))
    .update(shared)
    .update(Buffer.concat([uint32(algorithmId.length), algorithmId, uint32(0), uint32(0), uint32(256)]))
    .digest();
}

function ephemeralPair(key: ActiveEncryptionKey) {
  return key.curve === 'X25519' ? generateKeyPairSync('x25519') : generateKeyPairSync('ec', { namedCurve: key.curve! });
}

/** The content key wrapped for the recipient, and what the header must say about it. */
function wrapContentKey(key: ActiveEncryptionKey, cek: Buffer): { encryptedKey: Buffer; epk?: Record<string, unknown> } {
  if (key.alg === 'RSA-OAEP-256') {
    return { encryptedKey: publicEncrypt({ key: key.key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, cek) };
  }
  const ephemeral = ephemeralPair(key);
  const kek = concatKdf(diffieHellman({ privateKey: ephemeral.privateKey, publicKey: key.key }), key.alg);
  const wrap = createCipheriv('id-aes256-wrap', kek, AES_KW_IV);
  const { kty, crv, x, y } = ephemeral.publicKey.export({ format: 'jwk' });
  return { encryptedKey: Buffer.concat([wrap.update(cek), wrap.final()]), epk: { kty, crv, x, ...(y === undefined ? {} : { y }) } };
}

/**
 * Nests a signed token in a compact JWE (`cty: JWT`, A256GCM) for the gateway's encryption
 * key (ECDH-ES+A256KW or RSA-OAEP-256), with node:crypto, synchronously. `jti`, `exp` and
 * `client_id` are replicated in the protected header (RFC 7519 section 5.3) so identity, which
 * cannot decrypt, can still revoke the token.
 */
export function encryptNested(jws: string, key: ActiveEncryptionKey, replicated: { jti: string; exp: number; client_id: string }): string {
  const cek = randomBytes(32);
  const { encryptedKey, epk } = wrapContentKey(key, cek);
  const header = b64(Buffer.from(JSON.stringify({ alg: key.alg, enc: 'A256GCM', kid: key.kid, cty: 'JWT', ...(epk ? { epk } : {}), ...replicated }), 'utf8'));
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', cek, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(header, 'latin1'));
  const ciphertext = Buffer.concat([cipher.update(jws, 'latin1'), cipher.final()]);
  return `${header}.${b64(encryptedKey)}.${b64(iv)}.${b64(ciphertext)}.${b64(cipher.getAuthTag())}`;
}
